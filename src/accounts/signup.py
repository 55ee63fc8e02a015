"""allauth's sign-up page, counting only sign-ups that pass the form's checks against the limit.

allauth counts its "signup" limit on every post to the page, so at an NHS trust where many staff
share one network address, a few mistyped forms (passwords that do not match, a bad e-mail
address) would stop everyone there from signing up. Here every post counts against the generous
"signup_attempt" cap (a flood is still stopped) and only a form that passes its checks counts
against "signup". Wired in hexitime/urls.py before allauth's own URLs, under the same name.
"""

from typing import Any

from allauth.account.views import SignupView as AllauthSignupView
from allauth.core import ratelimit
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters


class SignupView(AllauthSignupView):
    @method_decorator(login_not_required)
    @method_decorator(sensitive_post_parameters("oldpassword", "password", "password1", "password2"))
    @method_decorator(never_cache)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        limited = ratelimit.consume_or_429(request, action="signup_attempt")
        if limited is not None:
            return limited
        # allauth's own dispatch only adds these same decorators and its "signup" limit on every post.
        return super(AllauthSignupView, self).dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        limited = ratelimit.consume_or_429(self.request, action="signup")
        if limited is not None:
            return limited
        return super().form_valid(form)


signup = SignupView.as_view()
