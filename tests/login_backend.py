"""django-axes' login check for the test settings, letting the test client's login() through."""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingClientLogin(AxesStandaloneBackend):
    """Axes as in production for every login over HTTP; ``client.login()`` and Wagtail's
    ``WagtailTestUtils.login()`` authenticate without a request, which axes refuses outright."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
