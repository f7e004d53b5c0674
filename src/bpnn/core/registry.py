"""One registry per concept: a name -> factory table that also says what each entry can do.

bpnn has four: :data:`bpnn.ACTIVATIONS`, :data:`bpnn.LOSSES`, :data:`bpnn.INITIALIZERS` and
:data:`bpnn.OPTIMIZERS` (the whole-batch solvers included). Each entry is registered in
the file that defines its class, with its *capabilities*: what the applications need to
know about it (whether an activation may sit in a hidden layer, its formula for
``explain``, its NumPy code for the Python export, its ONNX nodes; which estimator
parameters an optimizer takes ...). The applications read their lists from here and
keep no copy, so an entry registered with its capabilities reaches every door, and a
door that cannot use an entry says which capability it lacks (:meth:`Registry.require`).

A registry is a ``dict`` of every name (aliases included) to its factory, so
``ACTIVATIONS["tanh"]()`` and ``sorted(ACTIVATIONS)`` work as they always did.

Examples
--------
>>> import bpnn
>>> bpnn.ACTIVATIONS.capability("gelu", "hidden")
True
>>> "tanh" in bpnn.ACTIVATIONS.names(hidden=True)
True
"""

from __future__ import annotations

from collections.abc import Callable, Set
from types import MappingProxyType
from typing import Any


class Registry(dict):
    """Name -> factory for one concept, with the capabilities of every entry.

    Parameters
    ----------
    concept : str
        What an entry is, for messages (``"activation"``, ``"optimizer"`` ...).
    capabilities : dict
        Every capability an entry of this concept may declare, with its default (the
        value of an entry that does not declare it). ``None`` or ``False`` means "lacks it".
    derived : dict, optional
        Capabilities read off the factory itself rather than declared (so a fact the
        class already states, such as an optimizer's ``full_batch``, is written once):
        capability -> function of the factory.
    """

    def __init__(self, concept: str, capabilities: dict[str, Any], derived: dict[str, Callable] | None = None):
        super().__init__()
        self.concept = concept
        self.defaults = MappingProxyType(dict(capabilities))
        self.derived = MappingProxyType(dict(derived or {}))
        self._caps: dict[str, MappingProxyType] = {}  # canonical name -> capabilities
        self._canonical: dict[str, str] = {}  # every name (aliases too) -> canonical name

    def register(self, name: str, factory=None, *, aliases: tuple[str, ...] = (), **capabilities):
        """Register ``factory`` under ``name`` (and ``aliases``) with its ``capabilities``.

        Returns ``factory``; called without it, returns a class decorator that registers
        the class it decorates. Registering a name twice replaces the entry (as a user
        who redefines an activation in a notebook expects).
        """
        if factory is None:
            return lambda cls: self.register(name, cls, aliases=aliases, **capabilities)
        unknown = sorted(set(capabilities) - set(self.defaults) - set(self.derived))
        if unknown:
            raise TypeError(
                f"Unknown {self.concept} capabilities {unknown} for {name!r}; "
                f"the known ones are {sorted(self.defaults)}."
            )
        if not (isinstance(name, str) and name):
            raise TypeError(f"A registered {self.concept} name must be a non-empty str; got {name!r}.")
        derived = {key: read(factory) for key, read in self.derived.items()}
        self._caps[name] = MappingProxyType({**self.defaults, **derived, **capabilities})
        for key in (name, *aliases):
            self[key] = factory
            self._canonical[key] = name
        return factory

    def unregister(self, name: str) -> None:
        """Remove the entry ``name`` and its aliases (tests register temporary entries)."""
        canonical = self.canonical(name)
        for key in [k for k, c in self._canonical.items() if c == canonical]:
            del self[key], self._canonical[key]
        del self._caps[canonical]

    def canonical(self, name: str) -> str:
        """The name an alias stands for (``"logistic"`` -> ``"sigmoid"``); KeyError if unknown."""
        return self._canonical[name]

    def capabilities(self, name: str) -> MappingProxyType:
        """Every capability of the entry ``name`` (an alias works too)."""
        return self._caps[self.canonical(name)]

    def capability(self, name: str, capability: str):
        """One capability of the entry ``name``: its declared value, else the default."""
        return self.capabilities(name)[capability]

    def names(self, aliases: bool = False, **required) -> list[str]:
        """The registered names whose capabilities match ``required``, in registration order.

        ``required`` maps a capability to the value wanted (``hidden=True``); ``True``
        matches any declared value that is not None or False. ``aliases=True`` lists the
        aliases of the matching entries too.
        """
        for key in required:
            if key not in self.defaults and key not in self.derived:
                known = sorted({*self.defaults, *self.derived})
                raise TypeError(f"Unknown {self.concept} capability {key!r}; the known ones are {known}.")

        def matches(caps) -> bool:
            return all(
                (caps[k] is not None and caps[k] is not False) if want is True else caps[k] == want
                for k, want in required.items()
            )

        keep = {name for name, caps in self._caps.items() if matches(caps)}
        return [k for k in self if (k in keep if not aliases else self._canonical[k] in keep)]

    def view(self, aliases: bool = False, **required) -> NamesView:
        """A live, read-only sequence of :meth:`names` (``aliases``, ``required``): it reads the
        registry at every use, so a module-level constant made from it never goes stale."""
        return NamesView(self, aliases, required)

    def name_of(self, obj) -> str | None:
        """The canonical name of the entry whose factory is exactly ``type(obj)`` (not a
        subclass, which may have changed the arithmetic), or None."""
        cls = type(obj)
        for key, factory in self.items():
            if factory is cls:
                return self._canonical[key]
        return None

    def require(self, name: str, capability: str, door: str):
        """The capability ``capability`` of ``name`` for ``door``, or a ValueError saying it is missing."""
        if name not in self:
            known = ", ".join(self.names())
            raise ValueError(f"{door} does not know the {self.concept} {name!r}; registered: {known}.")
        value = self.capability(name, capability)
        if value is None or value is False:
            raise ValueError(
                f"{door} cannot use the {self.concept} {name!r}: it is registered without the "
                f"{capability!r} capability."
            )
        return value


class NamesView(Set):
    """The names of a :class:`Registry` that match some capabilities, read afresh at every use.

    A set (``in``, ``-``, comparisons; what scikit-learn's ``StrOptions`` takes) that iterates
    in registration order and can be indexed.
    """

    def __init__(self, registry: Registry, aliases: bool, required: dict):
        self._registry, self._aliases, self._required = registry, aliases, dict(required)

    def _names(self) -> list[str]:
        return self._registry.names(self._aliases, **self._required)

    def __getitem__(self, index):
        return self._names()[index]

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())

    def __repr__(self) -> str:
        return repr(tuple(self._names()))

    @classmethod
    def _from_iterable(cls, it):
        return frozenset(it)  # the result of a set operation: a plain set


__all__ = ["NamesView", "Registry"]
