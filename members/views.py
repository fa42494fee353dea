from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .profile_forms import ProfileForm
from .services import member_update_profile


@login_required
def profile_edit(request):
    # A copy of the member, so a form that fails validation does not leave its
    # unsaved values on request.user (the header would show them).
    member = get_user_model().objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        member_update_profile(
            user=member,
            display_name=form.cleaned_data["display_name"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            avatar=form.cleaned_data["avatar"],
            remove_avatar=form.cleaned_data.get("remove_avatar", False),
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:profile_edit")
    return render(
        request, "members/profile_edit.html", {"form": form, "member": member}
    )
