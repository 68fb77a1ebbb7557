"""The static files' storage outside DEBUG: WhiteNoise's compressed, content-hashed files.

`{% static %}` names the hashed file that `collectstatic` recorded in its manifest. Where collectstatic
has not run (a process that only serves the API or runs a command, the tests' production probes),
there is no manifest and pages name the plain files instead of failing to render; `make run` and a
deployment run collectstatic before they serve.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest: nothing collected here
            return name
        return super().stored_name(name)
