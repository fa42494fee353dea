"""Rating and reviewing a course."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .models import CoursePage
from .review_services import review_upsert

RATING_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Your review"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@require_POST
@login_required
def review(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5 stars."))
    else:
        try:
            review_upsert(
                user=request.user,
                course=course,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you: your review is saved."))
    return redirect(f"{course.url}#reviews")
