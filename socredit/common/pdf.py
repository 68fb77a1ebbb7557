"""PDF from HTML (WeasyPrint): the one place documents and the public credit report become PDF.

Fonts come from the system (Debian ``fonts-noto-cjk``): the print CSS names ``Noto Serif CJK SC``
first, and WeasyPrint embeds the subset of each font it uses, so the file prints the same anywhere.
Nothing is fetched over the network or from the disk: only ``data:`` URLs are allowed.
"""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (inline CSS; any external resource is skipped)."""
    import weasyprint  # imported here: loading it costs ~0.3 s, and only PDF downloads need it
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"], timeout=2)
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
