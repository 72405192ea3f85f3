"""The `remote` commands: models that embed on an OpenAI-compatible server (a GPU box on the network)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from desktop_search.embed.catalog import consent_text, remote_address, remote_spec, set_user_models
from desktop_search.errors import UserError

if TYPE_CHECKING:
    from desktop_search.services import Services

KEYRING_SERVICE = "desktop-search"  # embed/remote.py reads the key under the same name


def add_parsers(sub: Any) -> None:
    remote = sub.add_parser("remote", help="models that embed on an OpenAI-compatible server (opt-in)")
    rsub = remote.add_subparsers(dest="remote_command", metavar="ACTION", required=True)
    add = rsub.add_parser("add", help="add a model served at URL (e.g. http://gpu-box.local:11434/v1)")
    add.add_argument("model_id", metavar="ID", help="the name it gets here (used with --model of `add`)")
    add.add_argument("url", metavar="URL", help="the API base; /embeddings is appended")
    add.add_argument("--model", required=True, help="the model's name on the server")
    add.add_argument("--dim", type=int, required=True, help="its vector size")
    add.add_argument(
        "--tokenizer", default="all-minilm-l6-v2", help="a catalog model id or a folder with tokenizer.json"
    )
    add.add_argument("--max-tokens", type=int, default=512)
    add.add_argument("--query-prefix", default="")
    add.add_argument("--document-prefix", default="")
    add.add_argument("--api-key-env", default="", help="environment variable holding the API key (else the keyring)")
    add.add_argument("--batch-size", type=int, default=32)
    add.add_argument("--timeout", type=float, default=30.0)
    add.add_argument("--yes", action="store_true", help="agree that passages are sent to URL (else you are asked)")
    consent = rsub.add_parser("consent", help="agree that a remote model's server receives your passages")
    consent.add_argument("model_id", metavar="ID")
    consent.add_argument("--yes", action="store_true")
    remove = rsub.add_parser("remove", help="forget a remote model and the agreement for its address")
    remove.add_argument("model_id", metavar="ID")
    key = rsub.add_parser("key", help="store the API key of a remote model in the system keyring (asked for)")
    key.add_argument("model_id", metavar="ID")


def _agree(url: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        print(f"Sending passages to {url} needs your agreement: `remote consent ID --yes`, or run this in a terminal.")
        return False
    return input(consent_text(url) + " [y/N] ").strip().lower() in ("y", "yes")


def _entry(services: Services, model_id: str) -> dict[str, object]:
    for entry in services.settings.remote_models:
        if entry.get("id") == model_id:
            return entry
    names = ", ".join(str(e.get("id")) for e in services.settings.remote_models) or "none yet"
    raise UserError(f"No remote model named '{model_id}'. Remote models: {names}.")


def _save(services: Services, models: list[dict[str, object]], consent: list[str]) -> None:
    specs = [remote_spec(entry, consent) for entry in models]  # checks every entry before anything is saved
    services.settings = services.settings.with_changes(remote_models=models, remote_consent=consent)
    services.settings.save()
    set_user_models(specs)


def cmd_remote(services: Services, args: argparse.Namespace) -> int:
    action = args.remote_command
    consent = list(services.settings.remote_consent)
    models = [e for e in services.settings.remote_models if e.get("id") != args.model_id]
    if action == "add":
        entry: dict[str, object] = {
            "id": args.model_id,
            "url": args.url,
            "model": args.model,
            "dim": args.dim,
            "max_tokens": args.max_tokens,
            "tokenizer": args.tokenizer,
            "query_prefix": args.query_prefix,
            "document_prefix": args.document_prefix,
            "api_key_env": args.api_key_env,
            "batch_size": args.batch_size,
            "timeout_s": args.timeout,
        }
        agreed = args.url in consent or _agree(args.url, args.yes)
        _save(services, [*models, entry], consent + ([args.url] if agreed and args.url not in consent else []))
        print(f"Added remote model '{args.model_id}' ({args.model} at {args.url}).")
        print("Agreed: passages go to that address." if agreed else "Not agreed: it is not used until you agree.")
        return 0
    entry = _entry(services, args.model_id)
    url = str(entry["url"])
    if action == "consent":
        if _agree(url, args.yes) and url not in consent:
            _save(services, services.settings.remote_models, [*consent, url])
        print(
            f"Passages of libraries using '{args.model_id}' are sent to {url}."
            if url in services.settings.remote_consent
            else "Not agreed."
        )
        return 0
    if action == "remove":
        others = {str(e["url"]) for e in models}
        _save(services, models, [u for u in consent if u != url or u in others])
        print(f"Removed remote model '{args.model_id}'. Libraries using it need another model (add --model).")
        return 0
    return _store_key(url)


def _store_key(url: str) -> int:
    import getpass

    try:
        import keyring
    except ImportError as exc:
        raise UserError(
            "No system keyring support is installed: put the key in an environment variable and "
            "name it with `remote add --api-key-env`."
        ) from exc
    keyring.set_password(KEYRING_SERVICE, url, getpass.getpass(f"API key for {url}: "))
    print(f"Stored the API key for {url} in the system keyring.")
    return 0


COMMANDS = {"remote": cmd_remote}
remote_url = remote_address  # for the status lines of cli.py
