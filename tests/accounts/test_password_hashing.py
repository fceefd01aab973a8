from django.conf import settings as django_settings


def test_production_hashes_passwords_with_pbkdf2_or_stronger():
    # The suite swaps in a cheap hasher per test (conftest); the project's own setting stays strong.
    from gaoqiao import settings as project_settings

    hashers = getattr(project_settings, "PASSWORD_HASHERS", None)
    assert hashers is None or "MD5" not in hashers[0]
    assert django_settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")  # the test override is active
