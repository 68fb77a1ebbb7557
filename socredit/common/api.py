"""What every app's API router shares: who is calling, scope checks, pagination and error bodies.

Principals are duck-typed (this floor imports no app):
  * a department token has `has_scope(scope)`, `department` and `scope_path()`;
  * a staff user has `scope_path()`, `can_write` and `can_see_id_numbers`.

Scopes are "<area>:<action>" (organizations:read, records:write, persons:pii…). A token needs the
scope itself; a staff user's post decides: read needs a region, write needs `can_write`, pii needs
`can_see_id_numbers`. A missing scope is a 403; region scoping stays with the `access_*` functions.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.parser import Parser

from socredit.common.policy import masked_id_number

S = TypeVar("S", bound=Schema)

DEFAULT_PAGE_SIZE: int = getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50)
MAX_PAGE_SIZE: int = getattr(settings, "NINJA_MAX_PER_PAGE_SIZE", 500)
MAX_PAGE: int = 100_000
"""Past it a request is answered 422 before the database sees an OFFSET (10**30 overflows SQLite's
and PostgreSQL's BIGINT; a scan that deep is no use to anyone: narrow the filters instead)."""
PAST_THE_END = "第 {page} 页超出末页，没有更多记录"


# --- Who is calling -----------------------------------------------------------------------------


def caller(request: HttpRequest) -> Any:
    """The authenticated principal of an API request (set by the NinjaAPI auth classes)."""
    return getattr(request, "auth", None)


def is_token(principal: Any) -> bool:
    """True for a department token (it carries scopes), False for a staff user."""
    return callable(getattr(principal, "has_scope", None))


def token_department(principal: Any) -> Any:
    """The department a token speaks for; None for a staff user."""
    return principal.department if is_token(principal) else None


def allows(principal: Any, scope: str) -> bool:
    """May `principal` act within `scope`? (Region scoping is applied separately by access_*.)"""
    if principal is None or principal.scope_path() is None:
        return False
    if is_token(principal):
        return bool(principal.has_scope(scope))
    action = scope.rpartition(":")[2]
    if action == "read":
        return True
    if action == "write":
        return bool(getattr(principal, "can_write", False))
    if action == "pii":
        return bool(getattr(principal, "can_see_id_numbers", False))
    return False


def _refusal(principal: Any, scope: str) -> str:
    if principal is None or principal.scope_path() is None:
        return "账号或令牌没有可访问的辖区"
    if is_token(principal):
        return f"令牌缺少权限范围 {scope}"
    action = scope.rpartition(":")[2]
    if action == "write":
        return "当前账号没有修改权限"
    if action == "pii":
        return "当前账号无权查看完整身份证号码"
    return f"当前账号没有权限 {scope}"


def require(request: HttpRequest, scope: str) -> Any:
    """The calling principal, or a 403 `{"detail": ...}` if it lacks `scope`."""
    principal = caller(request)
    if not allows(principal, scope):
        raise HttpError(403, _refusal(principal, scope))
    return principal


def request_allows(context: Any, scope: str) -> bool:
    """For Schema resolvers: does the request in the serialization context allow `scope`?"""
    request = (context or {}).get("request")
    return request is not None and allows(caller(request), scope)


# --- Whole ID numbers in answers ------------------------------------------------------------------

PERSONS_PII = "persons:pii"
_UNMASKED = "_socredit_unmasked_persons"


def id_number_for(person: Any, context: Any) -> str:
    """For Schema resolvers: a person's ID number as the caller may read it — whole with
    ``persons:pii`` (the person is then noted on the request, for the one audit event of the answer:
    ``unmasked_persons``), masked otherwise."""
    if not request_allows(context, PERSONS_PII):
        return masked_id_number(person.id_number)
    context["request"].__dict__.setdefault(_UNMASKED, {})[person.pk] = str(person.name)
    return str(person.id_number)


def unmasked_persons(request: HttpRequest) -> dict[int, str]:
    """The persons (id → name) whose whole ID number the answer being built carries, then forgotten
    (an error answer built after it does not count them again)."""
    return dict(sorted(request.__dict__.pop(_UNMASKED, {}).items()))


# --- Pagination ---------------------------------------------------------------------------------


class PageNumber(PaginationBase):
    """`?page=1&page_size=50` (page ≤ 100000, page_size ≤ 500) →
    `{"items", "count", "next", "page", "page_size", "detail"}`.

    A page past the last answers 200 with no items, `next: false` and a `detail` saying so (as
    ninja's own paginators do: a list that shrank between two requests is not an error); a page
    number or size outside its bounds is a 422 naming the field.

    One row more than the page is read to tell whether a next page exists (`next`); the matches are
    counted only when the caller asks (`?count=true`) — on a national table a COUNT costs more than
    the page. Without it `count` is known for free on the last page and null on the others.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"页码，从1开始（≤{MAX_PAGE}）")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数（≤{MAX_PAGE_SIZE}）"
        )
        count: bool = Field(False, description="true：同时返回匹配总数 count（大范围查询较慢）")

    class Output(Schema):
        items: list[Any]
        count: int | None = Field(description="匹配总数；未要求（count=true）且不是最后一页时为 null")
        next: bool = Field(description="是否还有下一页")
        page: int
        page_size: int
        detail: str | None = Field(None, description="页码超出末页时的说明（此时 items 为空）")

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        rows = list(queryset[offset : offset + pagination.page_size + 1])
        has_next = len(rows) > pagination.page_size
        items = rows[: pagination.page_size]
        if pagination.count:
            count: int | None = self._items_count(queryset)
        elif not has_next and (items or offset == 0):
            count = offset + len(items)  # the last page: the count is known without counting
        else:
            count = None
        return {
            "items": items,
            "count": count,
            "next": has_next,
            "page": pagination.page,
            "page_size": pagination.page_size,
            "detail": PAST_THE_END.format(page=pagination.page) if not items and offset else None,
        }


# --- Error bodies -------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(Schema):
    detail: str = "输入有误"
    errors: dict[str, list[str]]


class ItemErrorsOut(Schema):
    """One refused item of a batch (records, bans, financial transactions): its position in the
    request and, by field, why."""

    index: int
    errors: dict[str, list[str]]


INPUT_ERROR = "输入有误"

_PYDANTIC_MESSAGES = {
    "missing": "不能为空",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_parsing_size": "应为整数（位数过多）",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_type": "应为真/假",
    "bool_parsing": "应为真/假",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "decimal_parsing": "应为数字",
    "json_invalid": "JSON 格式错误",
    "extra_forbidden": "不允许的字段",
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _PYDANTIC_MESSAGES:
        return _PYDANTIC_MESSAGES[kind]
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项/字"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 字"
    return str(error.get("msg") or "无效")


_UNION_TAGS = {"str", "int", "float", "bool", "date", "datetime", "decimal", "none", "dict", "list"}


def field_name(loc: Any) -> str:
    """("body", "payload", "items", 3, "kind") → "items.3.kind"; ("query", "page_size") → "page_size"."""
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the name of the body parameter (e.g. "payload") says nothing to a caller
    kept = []
    for part in parts:
        if "[" in part or part in _UNION_TAGS:
            break  # pydantic names the member of a union it tried ("str", "list[str]"): not a field
        kept.append(part)
    return ".".join(kept) or "__all__"


NUL_MESSAGE = "含有不允许的控制字符（NUL），请删除后重新提交"


def _nul_at(value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Where in parsed input a string holds a NUL character (keys included), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return (*path, key)
            if (found := _nul_at(item, (*path, key))) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_at(item, (*path, index))) is not None:
                return found
    return None


class InputParser(Parser):
    """ninja's parser, refusing a NUL character in a query parameter as a 422 that names it: it is in
    no legitimate value, and PostgreSQL refuses it in any text it is given (a query comparing it
    fails as a server error). Bodies are checked by the operations themselves, field by field, so
    that a batch answers per item and keeps its valid items."""

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        parsed = super().parse_querydict(data, list_fields, request)
        if (where := _nul_at(parsed)) is not None:
            raise ValidationError([{"loc": ("query", *where[:1]), "msg": NUL_MESSAGE, "type": "nul"}])
        return parsed


def validation_errors_by_field(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """ninja's ValidationError.errors → the FieldErrors shape {"field": ["message", …]}."""
    out: dict[str, list[str]] = {}
    for error in errors:
        messages = out.setdefault(field_name(error.get("loc")), [])
        if (message := _message(error)) not in messages:
            messages.append(message)
    return out


# --- Answers served thousands of times a second ---------------------------------------------------

_PLANS: dict[type[Schema], list[tuple[str, Any, tuple[str, ...]]]] = {}


def construct(schema: type[S], obj: Any) -> S:
    """``schema`` filled from ``obj`` as ninja's validation fills it (an alias is an attribute path,
    ``resolve_<field>`` a static resolver), without validating it again: for an answer built from a
    model row whose values already have the schema's types. Ninja then only serialises it; its
    validation cost a fifth of the CPU of an organization lookup (tests compare the two paths)."""
    plan = _PLANS.get(schema)
    if plan is None:
        plan = [
            (name, getattr(schema, f"resolve_{name}", None), tuple((field.alias or name).split(".")))
            for name, field in schema.model_fields.items()
        ]
        _PLANS[schema] = plan
    values: dict[str, Any] = {}
    for name, resolver, path in plan:
        if resolver is not None:
            values[name] = resolver(obj)
            continue
        value = obj
        for part in path:
            value = getattr(value, part)
        values[name] = value
    return schema.model_construct(**values)
