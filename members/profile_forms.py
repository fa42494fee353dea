from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .validators import ALLOWED_AVATAR_FORMATS, validate_avatar


class ProfileForm(forms.ModelForm):
    """The member's own profile. The avatar is a plain file field checked by
    ``validate_avatar`` (Django's ImageField would answer a decompression bomb
    or a BMP with one generic message); ``member_update_profile`` stores it."""

    avatar = forms.FileField(
        label=_("New avatar"),
        required=False,
        validators=[validate_avatar],
        help_text=_(
            "A square picture works best: JPEG, PNG, GIF or WebP, at least 64×64 "
            "pixels. We shrink it to 256×256."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ",".join(
                    f"image/{fmt.lower()}" for fmt in sorted(ALLOWED_AVATAR_FORMATS)
                )
            }
        ),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)

    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name"]
        help_texts = {
            "display_name": _(
                "How other members see you. Leave it empty to use your name or "
                "username."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.avatar:
            del self.fields["remove_avatar"]
