"""API of complaints."""

from ninja import Router

router = Router()
