"""How the OpenAPI schema describes the API's personal tokens."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "staffToken"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Optional. A council officer's personal token, sent as "
                "`Token <token>`: the records its owner may see. Without it, "
                "the public's records."
            ),
        }
