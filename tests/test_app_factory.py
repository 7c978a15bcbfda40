"""The portal's Flask subclass: remembering plain functions changes no function's handling."""
import functools

import pytest

from portal import PLAIN_FUNCTIONS_KEPT


def test_plain_function_is_called_as_it_is(app):
    def hook():
        return "ran"

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(hook) is hook  # asked again: the remembered answer
    assert hook in app._plain_functions


def test_coroutine_function_still_goes_to_flasks_async_support(app):
    async def view():
        return "async"

    for _ in range(2):  # never remembered as plain
        with pytest.raises(RuntimeError, match="async"):  # asgiref is not installed
            app.ensure_sync(view)
    assert view not in app._plain_functions


def test_unhashable_callable_is_asked_about_each_time(app):
    class Handler(list):  # a list subclass cannot be hashed
        def __call__(self):
            return "handled"

    handler = Handler()
    assert app.ensure_sync(handler) is handler
    assert app.ensure_sync(handler)() == "handled"


def test_remembered_functions_are_bounded(app):
    made = [functools.partial(print, n) for n in range(PLAIN_FUNCTIONS_KEPT + 10)]
    for func in made:
        assert app.ensure_sync(func) is func
    assert len(app._plain_functions) <= PLAIN_FUNCTIONS_KEPT
