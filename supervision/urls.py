from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/download/", views.assessment_download, name="assessment_download"),
    path("assessment/issue/", views.assessment_issue, name="assessment_issue"),
    path("weights/<int:year>/", views.weights, name="weights"),
    path("spot-checks/", views.spot_list, name="spot_list"),
    path("spot-checks/<int:pk>/", views.spot_detail, name="spot_detail"),
    path("spot-checks/<int:pk>/download/", views.spot_download, name="spot_download"),
    path("spot-checks/items/<int:pk>/", views.spot_record, name="spot_record"),
    path("rechecks/", views.recheck_list, name="recheck_list"),
    path("rechecks/<int:pk>/", views.recheck_detail, name="recheck_detail"),
    path("rechecks/items/<int:pk>/", views.recheck_record, name="recheck_record"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
