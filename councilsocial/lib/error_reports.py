"""Error reports without secrets: Django's debug page and its error reports list every frame's
variables, and a frame that held an app password, a token or a PKCE verifier would print it.

Django hides only the variables of functions marked ``sensitive_variables``; a library's own frames
(the ``password`` argument of the AT Protocol SDK's ``login``, a dict of decrypted credentials) are
not marked. This filter also hides any variable whose name says it is a secret, and the secret keys
of any dict or list a variable holds, in every frame; and it is active under ``DEBUG`` too (Django's
own filter shows everything there), so a developer's debug page on a copy of the live database
shows no council's secrets either.

Base layer: it imports no app.
"""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter


class SecretsHiddenReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|VERIFIER|CREDENTIAL", flags=re.IGNORECASE
    )

    def is_active(self, request) -> bool:
        return True

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleanse_setting(name, value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]
