import re

from django import forms

# The largest id a comment can have (a BigAutoField).
MAX_ID = 2**63 - 1
# Control characters, which no word holds and no page may show (NUL above all).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QueryField(forms.CharField):
    """Anything typed: never refused (search.query reads the words in it),
    its control characters dropped."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # CharField refuses NUL characters: here they are only dropped.
        self.validators = []

    def to_python(self, value):
        return super().to_python(CONTROL.sub("", value or ""))


class SearchForm(forms.Form):
    q = QueryField(required=False)
    # Only one person's comments: their username.
    by = forms.CharField(required=False, max_length=150)
    # The results older than this comment's id: the next page.
    before = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
