from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from hexitime.forms import CleanTextField


class JoinForm(forms.Form):
    note = CleanTextField(
        label=_("Why would you like to join?"),
        help_text=_("Coordinators read this when they decide on your application."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = CleanTextField(
        label=_("Reason (optional, shown to the applicant)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommunityEditForm(forms.ModelForm[Community]):
    class Meta:
        model = Community
        fields = ["description", "join_policy"]
        field_classes = {"description": CleanTextField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "join_policy": forms.RadioSelect,
        }
        help_texts = {"description": _("What the community is for and who it is for. Up to 4,000 characters.")}
