"""Case API: departments receive forwarded objections and return verification results; departments pass
complaints on. Mounted under /api/v1/."""

from ninja import Router

from socredit.apps.cases.api.complaints import router as complaints_router
from socredit.apps.cases.api.objections import router as objections_router

router = Router()
router.add_router("", objections_router)
router.add_router("", complaints_router)
