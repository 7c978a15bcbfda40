"""The `loose_json` variant: outgoing JSON as a less tidy broker build may send it.

One transformation, `loosen`, is applied to a whole response body. It works by key name:

- numbers as strings: `leverage`, `initialDeposit` ("100", "1000") and the money fields of
  `financeInfo` ("5560.95");
- trading-account `login` as a JSON number;
- offer flags (`demo`, `hidden`, `verificationRequired`, `tradingAccountAutoCreation`, and
  `system.demo`) as the strings "true" / "false";
- Spring pages: `totalPages`, `totalElements`, `number`, `size` all null, and a stray null
  appended to `content`.
"""

from __future__ import annotations

NUMBER_AS_STRING = frozenset({"leverage", "initialDeposit"})
MONEY = frozenset({"balance", "equity", "profit", "netProfit", "margin", "freeMargin",
                   "marginLevel", "credit"})
FLAGS = frozenset({"demo", "hidden", "verificationRequired", "tradingAccountAutoCreation"})
PAGE_FIELDS = ("totalPages", "totalElements", "number", "size")


def _number_text(value):
    """A number as a string ("100", "5560.95"); other values unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _flag_text(value):
    """A boolean as "true" / "false"; other values unchanged."""
    return ("true" if value else "false") if isinstance(value, bool) else value


def _login_number(value):
    """A numeric login string as an int; "" (pending) and others unchanged."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _is_page(value: dict) -> bool:
    """Tell whether a dict is a Spring page envelope."""
    return isinstance(value.get("content"), list) and all(k in value for k in PAGE_FIELDS)


def loosen(value, parent: str | None = None):
    """Return a loosened copy of a JSON value (see the module docstring)."""
    if isinstance(value, list):
        return [loosen(item, parent) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in NUMBER_AS_STRING or (parent == "financeInfo" and key in MONEY):
            result[key] = _number_text(item)
        elif key in FLAGS:
            result[key] = _flag_text(item)
        elif key == "login":
            result[key] = _login_number(item)
        else:
            result[key] = loosen(item, key)
    if _is_page(value):
        for key in PAGE_FIELDS:
            result[key] = None
        result["content"] = result["content"] + [None]
    return result
