from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_http_methods

from .forms import LoginForm

app_name = "accounts"

# A form page answers GET and POST; PUT, PATCH and DELETE get 405 (before the
# login page sends a logged-in user on).
get_or_post = require_http_methods(["GET", "POST"])

urlpatterns = [
    path(
        "login/",
        get_or_post(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html",
                authentication_form=LoginForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    # POST only (Django 5): a link or an image tag cannot log anybody out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        get_or_post(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change.html",
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
]
