"""PDF from HTML (WeasyPrint): the one place documents and the public credit report become PDF.

Fonts come from the system (Debian ``fonts-noto-cjk``): the print CSS names ``Noto Serif CJK SC``
first, and WeasyPrint embeds the subset of each font it uses, so the file prints the same anywhere.
Nothing is fetched over the network: ``url_fetcher`` refuses every URL that is not a ``data:`` URL.
"""

from __future__ import annotations

from typing import Any


def _no_network(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        result: dict[str, Any] = default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
        return result
    raise ValueError(f"documents load no external resources: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (inline CSS, no external resources)."""
    import weasyprint  # imported here: loading it costs ~0.3 s, and only PDF downloads need it

    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_no_network).write_pdf()
    return pdf
