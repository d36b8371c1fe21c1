"""Keep a public page fit for shared caches on its way out."""

from django.utils.cache import patch_cache_control


class SameForEveryoneMiddleware:
    """A response `caching.mark_public` made (`same_for_everyone`) prints
    nothing of whoever asked, so the `Vary: Cookie` the session middleware
    adds (the session was read to learn who is signed in) is dropped: a
    proxy may serve the page to everyone. Should the response set a cookie
    after all (a session renewed on the way), it is kept private instead:
    a shared cache must never hand one person's cookie to another.

    Sits outside the session middleware (earlier in MIDDLEWARE), so it sees
    the response after the session middleware has had its say."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(response, "same_for_everyone", False):
            return response
        if response.cookies:
            del response["Cache-Control"]
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if response.has_header("Vary"):
            kept = [
                header.strip()
                for header in response["Vary"].split(",")
                if header.strip() and header.strip().lower() != "cookie"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
