from django.urls import path

from drafts import views
from similar import views as similar_views

app_name = "drafts"

urlpatterns = [
    path("deputy/drafts/", views.home, name="home"),
    path("deputy/drafts/new/", views.create, name="create"),
    path("deputy/drafts/similar/", similar_views.panel, name="similar"),
    path("deputy/drafts/<int:pk>/", views.detail, name="detail"),
    path("deputy/drafts/<int:pk>/edit/", views.edit, name="edit"),
    path("deputy/drafts/<int:pk>/invite/", views.invite, name="invite"),
    path(
        "deputy/drafts/<int:pk>/invitations/<int:deputy_pk>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("deputy/drafts/<int:pk>/submit/", views.submit, name="submit"),
    path("deputy/drafts/<int:pk>/answer/", views.answer, name="answer"),
    path("drafts/review/", views.review, name="review"),
    path("drafts/review/deadline/", views.deadline, name="deadline"),
    path("drafts/review/<int:pk>/", views.detail, name="review_detail"),
    path("drafts/review/<int:pk>/accept/", views.accept, name="accept"),
    path("drafts/review/<int:pk>/decline/", views.decline, name="decline"),
]
