from django import forms

from notices.models import NoticePreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NoticePreference
        fields = ["by_email", "by_sms"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("by_email") and not self.user.email:
            self.add_error("by_email", "您的账号没有电子邮件地址，请联系系统管理员添加。")
        if data.get("by_sms") and not self.user.phone:
            self.add_error("by_sms", "您的账号没有手机号码，请联系系统管理员添加。")
        return data
