from django import forms

from .models import Report


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "note"]
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"reason": "Why should a moderator look at it?"}
        help_texts = {"note": "Optional: anything the moderators should know."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio list offers no empty choice: one of the reasons is asked for.
        self.fields["reason"].choices = Report.Reason.choices
