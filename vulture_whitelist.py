"""Names vulture (the dead-code check in tests/test_house_rules.py) cannot see used, each with the reason.

Dead code goes; a name here is used by something vulture does not read: Qt, watchdog or transformers call
it, a reference keeps an object alive, or a record carries it for readers to come.
"""

# ruff: noqa
# Called by Qt (event handlers overridden on widgets) and by watchdog (observer callbacks).
_.dragEnterEvent
_.dropEvent
_.closeEvent
_.paintEvent
_.contextMenuEvent
_.eventFilter
watched  # eventFilter's first parameter, part of Qt's signature
_.on_any_event
_.on_thread_start
_._add_all_callbacks
_._emitter_class
# Held so that the object it refers to lives (weakref.finalize stops the workers when the pool goes).
_._finalizer
# Read by transformers' attention code from the model's config.
_._attn_implementation
# Built-in backends register themselves when their module is imported (embed/backends.py).
TRANSFORMERS
CDE
OPENAI
OPENVINO
OPENVINO_INT8
# Fields of plain records and requests, set for every instance, kept for readers and backends to come.
file_id  # records.FileHitInfo
cache_dir  # embed.registry.LoadRequest: a backend's own cache for what it derives from the weights
uses_torch  # embed.registry.Backend
_.context_key  # embed.cde.BoundCDE: which context the model is conditioned on
# pytest reads module-level markers.
pytestmark
