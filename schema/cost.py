"""The query cost limit: a validation rule that refuses operations that could load too much.

cost(selection) = Σ over its fields of multiplier × max(1, cost(field's selection)), where the
multiplier of a connection field is its page size (``first``: literal, variable or default,
bounded by the maximum), of any other list field an assumed ``LIST_SIZE``, and 1 otherwise.
Leaves cost nothing; a connection's own ``edges``/``nodes`` are already counted by its page size.
A nested connection reads only its page per parent (schema.connections.nested_page), so the cost
(page size × parents) bounds the rows a query reads.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from schema.connections import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.errors import ERRORS

LIST_SIZE = 10
"""Assumed length of a plain list field (a region's members, a municipality's targets, …)."""

QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


def cost_limit_rule(limit: int, variables: dict[str, Any]) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            # A variable not sent costs what its declared default says (``$n: Int = 100``)
            defaults = {
                definition.variable.name.value: int(definition.default_value.value)
                for definition in node.variable_definitions or ()
                if isinstance(definition.default_value, IntValueNode)
            }
            given = {name: value for name, value in variables.items() if value is not None}
            effective = {**defaults, **given}
            cost = _selection_cost(self.context, root, node.selection_set, effective, frozenset())
            if cost > limit:
                self.report_error(
                    GraphQLError(
                        f"The query's cost {cost} exceeds the limit of {limit}: ask for smaller pages "
                        "(first), fewer nested lists, or split the query.",
                        node,
                        extensions={
                            "code": QUERY_TOO_COSTLY,
                            "messageNl": ERRORS[QUERY_TOO_COSTLY].nl,
                            "cost": cost,
                            "limit": limit,
                        },
                    )
                )

    return CostLimit


def _selection_cost(
    context: ValidationContext,
    parent: Any,
    selection_set: SelectionSetNode | None,
    variables: dict[str, Any],
    fragments_seen: frozenset[str],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(context, parent, selection, variables, fragments_seen)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = context.schema.get_type(condition.name.value) if condition else parent
            total += _selection_cost(
                context, inner, selection.selection_set, variables, fragments_seen
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment is None or name in fragments_seen:
                continue
            inner = context.schema.get_type(fragment.type_condition.name.value)
            total += _selection_cost(
                context, inner, fragment.selection_set, variables, fragments_seen | {name}
            )
    return total


def _field_cost(
    context: ValidationContext,
    parent: Any,
    node: FieldNode,
    variables: dict[str, Any],
    fragments_seen: frozenset[str],
) -> int:
    fields = getattr(parent, "fields", None)
    definition = fields.get(node.name.value) if fields else None
    if definition is None or not is_composite_type(get_named_type(definition.type)):
        return 0
    named = get_named_type(definition.type)
    nested = _selection_cost(context, named, node.selection_set, variables, fragments_seen)
    return _multiplier(parent, definition, node, variables) * max(1, nested)


def _multiplier(parent: Any, definition: Any, node: FieldNode, variables: dict[str, Any]) -> int:
    if isinstance(parent, GraphQLObjectType) and parent.name.endswith("Connection"):
        return 1
    if get_named_type(definition.type).name.endswith("Connection"):
        return _page_size(definition, node, variables)
    field_type = definition.type
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return LIST_SIZE if isinstance(field_type, GraphQLList) else 1


def _page_size(definition: Any, node: FieldNode, variables: dict[str, Any]) -> int:
    size: Any = None
    for argument in node.arguments or ():
        if argument.name.value != "first":
            continue
        if isinstance(argument.value, IntValueNode):
            size = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            size = variables.get(argument.value.name.value)
    if size is None:
        declared = definition.args.get("first")
        size = declared.default_value if declared is not None else DEFAULT_PAGE_SIZE
    if not isinstance(size, int):
        size = DEFAULT_PAGE_SIZE
    return max(0, min(size, MAX_PAGE_SIZE))
