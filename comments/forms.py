import unicodedata

from django import forms
from django.utils.safestring import mark_safe

from .models import Comment

# The control characters (Unicode category Cc) that people type: a tab and
# line breaks. The others (escape, backspace, form feed...) mean nothing on a
# page, and XML, which the feed is written in, cannot carry most of them.
TYPED_CONTROLS = frozenset("\t\n\r")

# Characters that show as nothing besides whitespace and the format
# characters (category Cf: zero-width spaces and joiners, the byte order
# mark, direction marks): Unicode's other default-ignorable code points
# (Hangul fillers, variation selectors and the like) and the Braille blank,
# an empty cell.
INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def shows_nothing(text: str) -> bool:
    """Whether text is only whitespace and characters that show as nothing.

    A visible character with joiners around it (an emoji sequence such as
    👩‍💻) shows.
    """
    return all(
        char.isspace() or char in INVISIBLE or unicodedata.category(char) == "Cf"
        for char in text
    )


def control_characters(text: str) -> list[str]:
    """The control characters in text other than a tab and line breaks, each
    once, in the order they first appear."""
    found = dict.fromkeys(
        char
        for char in text
        if unicodedata.category(char) == "Cc" and char not in TYPED_CONTROLS
    )
    return list(found)


class CommentTextMixin:
    """What every form that writes a comment's text refuses, the admin's too:
    text that shows nothing, and control characters."""

    def clean_content(self):
        content = self.cleaned_data["content"]
        # Whitespace alone never gets here (the field strips it, then finds
        # nothing); invisible characters are refused the same way.
        if shows_nothing(content):
            raise forms.ValidationError(
                self.fields["content"].error_messages["required"], code="required"
            )
        # NUL is refused before this, by the field's own validator.
        controls = control_characters(content)
        if controls:
            first = content.index(controls[0])
            before = " ".join(content[max(0, first - 20) : first].split())
            where = f"after “{before}”" if before else "at the start"
            codes = ", ".join(f"U+{ord(char):04X}" for char in controls)
            raise forms.ValidationError(
                "A comment cannot hold control characters, only text, tabs and "
                "line breaks. Remove %(codes)s (the first is %(where)s).",
                code="control_characters",
                params={"codes": codes, "where": where},
            )
        return content


class CommentForm(CommentTextMixin, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["content"]
        labels = {"content": "Comment"}
        widgets = {
            "content": forms.Textarea(
                attrs={
                    "rows": 3,
                    "placeholder": "Enter a comment",
                    "class": "form-control",
                }
            ),
        }
        error_messages = {
            "content": {
                "required": "Write something before posting.",
                "max_length": (
                    "A comment can be at most %(limit_value)d characters "
                    "(it has %(show_value)d)."
                ),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength: a browser cuts pasted text to it without a word. The
        # page counts what is left instead (scratchpad.js), and a longer text
        # comes back with the field's error, whole.
        self.fields["content"].widget.attrs.pop("maxlength", None)

    def preview_html(self):
        """The text as it would show, in the comment's format; None when the
        form refuses it (its errors say why)."""
        if not self.is_valid():
            return None
        # Rendered as the comment would be, its mentions linked.
        comment = Comment(
            content=self.cleaned_data["content"], format=self.instance.format
        )
        comment.render()
        return mark_safe(comment.html)


class CommentAdminForm(CommentTextMixin, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["content"]


class PageForm(forms.Form):
    """Where a page of the list starts: ?before=<id> (older) or ?after=<id> (newer).

    Any whole number is accepted: an id that is no comment's (deleted since
    the link was made, or made up) redirects to the nearest page
    (Comment.objects.page).
    """

    before = forms.IntegerField(min_value=0, required=False)
    after = forms.IntegerField(min_value=0, required=False)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("before") is not None and (
            cleaned_data.get("after") is not None
        ):
            raise forms.ValidationError("A page starts either before or after.")
        return cleaned_data
