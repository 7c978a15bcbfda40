"""httpx transport that calls the sandbox in-process and maps simulated faults to httpx errors."""

from __future__ import annotations

import httpx

from .middleware import IN_PROCESS_KEY, SimulatedReset, SimulatedTimeout


class SandboxTransport(httpx.BaseTransport):
    """Wraps httpx.WSGITransport; reads bodies eagerly so mid-stream faults surface here."""

    def __init__(self, app):
        def marked_app(environ, start_response):
            """Flag the request as in-process so faults raise instead of sleeping."""
            environ[IN_PROCESS_KEY] = True
            return app(environ, start_response)

        self._inner = httpx.WSGITransport(app=marked_app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request; SimulatedTimeout -> ReadTimeout, SimulatedReset -> ReadError."""
        try:
            response = self._inner.handle_request(request)
            content = response.read()
        except SimulatedTimeout as error:
            raise httpx.ReadTimeout(str(error), request=request) from None
        except SimulatedReset as error:
            raise httpx.ReadError(str(error), request=request) from None
        return httpx.Response(response.status_code, headers=response.headers, content=content,
                              extensions=response.extensions)
