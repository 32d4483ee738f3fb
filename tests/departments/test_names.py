"""A user's name reads in Chinese order everywhere Django asks for it (the admin's 欢迎
line, the drafts' history), not Django's "given family"."""

from tests.factories import UserFactory


def test_names_are_family_then_given_without_a_space(db):
    user = UserFactory(username="wangjing", last_name="王", first_name="静")
    assert (str(user), user.get_full_name(), user.get_short_name()) == ("王静",) * 3


def test_a_user_without_a_name_is_known_by_the_login(db):
    user = UserFactory(username="sysadmin", last_name="", first_name="")
    assert (str(user), user.get_short_name(), user.get_full_name()) == ("sysadmin", "sysadmin", "")


def test_the_admin_welcomes_by_the_whole_name(admin_client, admin_user):
    admin_user.last_name, admin_user.first_name = "钱", "立"
    admin_user.save()
    page = admin_client.get("/admin/").content.decode()
    assert "<strong>钱立</strong>" in page.split("欢迎，", 1)[1][:60]
