"""The RPC services (``common``, ``object``) and ``call_kw``: how Odoo turns a remote call into a method call."""

from __future__ import annotations

from typing import Any

from fake_odoo import access, errors
from fake_odoo.models import model_class
from fake_odoo.orm import MODEL_API, MODEL_CREATE_API, BaseModel, Env, Store

# Public names Odoo refuses over RPC although they do not start with an underscore.
PRIVATE_NAMES = frozenset({"init", "browse", "with_env", "with_context", "sudo", "ensure_one"})
# Names of Odoo's business methods (buttons of its forms): one the stand-in lacks is not modelled,
# not unknown.
BUSINESS_PREFIXES = ("action_", "button_")
# Odoo 19 made check_access private (public in 18).
PRIVATE_NAMES_19 = PRIVATE_NAMES | {"check_access"}


def version_info(version: str) -> dict:
    """``common.version()`` of an Odoo ``version`` ("18.0" or "19.0")."""
    major = int(version.split(".")[0])
    return {
        "server_version": version,
        "server_version_info": [major, 0, 0, "final", 0, ""],
        "server_serie": version,
        "protocol_version": 1,
    }


def unknown_database(database: str) -> errors.OperationalError:
    """What Odoo raises when the named database does not exist (PostgreSQL refuses the connection)."""
    return errors.OperationalError(
        f'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "{database}" does not exist'
    )


def check_database(database: Any) -> None:
    """Only the recorded database exists."""
    if database != access.DATABASE:
        raise unknown_database(database)


# --- common ------------------------------------------------------------------------------------


def exp_version(version: str) -> dict:
    return version_info(version)


def exp_login(db, login, password):
    return exp_authenticate(db, login, password, None)


def exp_authenticate(db, login, password, user_agent_env):
    check_database(db)
    if not password:
        raise AssertionError("scope and key required")
    return access.authenticate(db, login, password)


def exp_about(extended=False):
    info = "See http://openerp.com"
    return [info, "18.0"] if extended else info


def dispatch_common(method: str, params: list, version: str) -> Any:
    """The ``common`` service: version, authenticate, login, about."""
    if method == "version":
        return exp_version(version)
    if method == "about":
        result = exp_about(*params)
        return [result[0], version] if isinstance(result, list) else result
    if method == "login":
        return exp_login(*params)
    if method == "authenticate":
        return exp_authenticate(*params)
    raise Exception(f"Method not found: {method}")  # Odoo raises a bare Exception here


# --- object ------------------------------------------------------------------------------------


def dispatch_object(store: Store, method: str, params: list, *, before_call=None) -> Any:
    """The ``object`` service: ``execute_kw(db, uid, password, model, method, args, kwargs)`` and ``execute``."""
    database, uid, password = params[0], int(params[1]), params[2]
    check_database(database)
    user = access.check_credentials(uid, password)
    if method == "execute":
        return execute(store, user.uid, *params[3:], before_call=before_call)
    if method == "execute_kw":
        return execute_kw(store, user.uid, *params[3:], before_call=before_call)
    raise NameError(f"Method not available {method}")


def execute_kw(store: Store, uid: int, obj, method, args, kw=None, *, before_call=None):
    return execute(store, uid, obj, method, *args, before_call=before_call, **(kw or {}))


def execute(store: Store, uid: int, obj, method, *args, before_call=None, **kw):
    if not is_19(store):
        check_method_name(method)
    with store.lock:
        env = Env(store, uid)
        check_model(env, obj)
        if before_call is not None:
            before_call(obj, args)
        return call_kw(env, obj, method, list(args), kw)


def check_model(env: Env, model: str, unknown: Any = errors.unknown_model) -> None:
    """An unknown model gets Odoo's answer; one Odoo has but the stand-in lacks fails loudly."""
    from fake_odoo.dataset import installed_models

    if env.has_model(model):
        return
    if model in installed_models():
        error = errors.NotModelled(f"model {model} (installed on the recorded Odoo) is not modelled by the stand-in")
        env.store.not_modelled.append(str(error))
        raise error
    raise unknown(model)


def is_19(store: Store) -> bool:
    """Odoo 19 words method refusals with the dotted "model.method" (its get_public_method)."""
    return store.version >= "19"


def check_method_name(name: str) -> None:
    """Private methods (leading underscore, and a few named ones) are refused over RPC."""
    if name.startswith("_") or name in PRIVATE_NAMES:
        raise errors.private_method(name)


def public_method(model: str, name: str) -> Any:
    """The function behind ``model.name`` or Odoo's AttributeError."""
    cls = model_class(model)
    method = getattr(cls, name, None)
    if method is None or not callable(method) or isinstance(method, type):
        if name.startswith(BUSINESS_PREFIXES):
            # Odoo's models have many of these; answering "does not exist" would be a plausible lie.
            raise errors.NotModelled(f"method {model}.{name} is not modelled by the stand-in")
        raise errors.unknown_method(model, name)
    return method


def call_kw(env: Env, model: str, name: str, args: list, kwargs: dict) -> Any:
    """Call ``model.name`` the way Odoo's ``call_kw`` does; what the stand-in does not model fails loudly."""
    return guarded(env, f"{model}.{name}", lambda: _call_kw(env, model, name, args, kwargs))


def guarded(env: Env, where: str, call: Any) -> Any:
    """``call()``, with a case the stand-in does not model (or its own crash) noted and raised as NotModelled."""
    try:
        return call()
    except errors.NotModelled as exc:
        env.store.not_modelled.append(str(exc))
        raise
    except KeyError as exc:
        if isinstance(exc, errors.OdooKeyError):
            raise
        # Odoo's own KeyErrors are raised as OdooKeyError: a bare one is the stand-in's bug.
        error = errors.crash(exc, where)
        env.store.not_modelled.append(str(error))
        raise error from exc


def _call_kw(env: Env, model: str, name: str, args: list, kwargs: dict) -> Any:
    """Call ``model.name`` the way Odoo's ``call_kw`` does (ids first unless the method is @api.model)."""
    if is_19(env.store):
        if name.startswith("_") or name in PRIVATE_NAMES_19:
            raise errors.AccessError(f"Private methods (such as '{model}.{name}') cannot be called remotely.")
        try:
            method = public_method(model, name)
        except AttributeError:
            raise AttributeError(f"The method '{model}.{name}' does not exist") from None
    else:
        method = public_method(model, name)
    kwargs = dict(kwargs)
    context = kwargs.pop("context", None)
    if isinstance(context, dict):
        env = Env(env.store, env.uid, context)
        env.check_lang()
    recs = env[model]
    api = getattr(method, "_api", None)
    args = tuple(args)
    if api == MODEL_API:
        result = method(recs, *args, **kwargs)
    elif api == MODEL_CREATE_API:
        result = method(recs, *args, **kwargs)
        # Odoo answers one id for one dict, else a list (and indexes args even when vals came by keyword).
        return result.ids[0] if isinstance(args[0], dict) else result.ids
    else:
        ids, args = args[0], args[1:]
        result = method(recs.browse(ids), *args, **kwargs)
    return downgrade(result)


def downgrade(result: Any) -> Any:
    """Recordsets go over the wire as lists of ids."""
    if isinstance(result, BaseModel):
        return result.ids
    return result
