"""Two of moto's costs that grow with what a test has written, taken out.

Profiling the integration tests (py-spy on the moto servers) showed over a third of
moto's time in `copy.deepcopy` and a tenth in importing an RSA key:

- **Transactions.** moto 5.2.5 runs `TransactWriteItems` by deep-copying each table the
  transaction names — once per operation — so that it can restore the copy if an
  operation fails: a transaction's cost grows with the table, and a failed one replaces
  the table object (stream included). Here the transaction keeps DynamoDB's promise the
  way DynamoDB can: no two operations may name one item (moto checks that too), so every
  condition is checked against the state before the transaction, and nothing is written
  unless all of them hold. If an operation still fails while being applied (a malformed
  update), the items it touched are put back as they were and the table's stream loses
  the records the transaction had added: all or nothing, as before, at the cost of the
  items named rather than of the table.
- **User pools.** Each pool imports moto's one bundled signing key (`jwks-private.json`)
  afresh; the import is kept, as the key is.
- **Every request** lists moto's package directory (and stats each of its ~150 entries)
  to learn which services exist; they are listed once.

The refusals are the same as moto's (`TransactionCanceledException` with a reason per
operation, `ValidationException`, more than 100 operations, one item named twice); the
integration tests that race transactions and check their cancellation reasons
(`tests/tests/api/local_stack.rs`, `races.rs`) hold them to it.
"""

import copy
import json

from moto import backends
from moto.cognitoidp import models as cognito_models
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType

OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def _key_of(backend, op_type, op):
    if op_type != "Put":
        return op["Key"]
    attrs = op["Item"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _put_back(table, key, item):
    """Puts `item` (or its absence) back under `key`, writing no stream record."""
    hash_value = DynamoType(key[table.hash_key_attr])
    if table.range_key_attr is None:
        if item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item
        return
    range_value = DynamoType(key[table.range_key_attr])
    if item is None:
        table.items.get(hash_value, {}).pop(range_value, None)
    else:
        table.items[hash_value][range_value] = item


def transact_write_items(self, transact_items):
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    ops = []
    for item in transact_items:
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        ops.append(next(iter(item.items())))

    # Every condition, against the state before the transaction.
    named = set()
    errors = []
    before = []  # (table name, key, a copy of the item as it was)
    for op_type, op in ops:
        original_item = None
        try:
            if op_type not in OPERATIONS:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            key = _key_of(self, op_type, op)
            unique = (str(table_name), str(dict(sorted(key.items()))))
            if unique in named:
                raise MultipleTransactionsException()
            named.add(unique)
            current = self.get_item(table_name, key)
            condition = op.get("ConditionExpression")
            if condition is not None:
                check = get_filter_expression(
                    condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                )
                if not check.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            before.append((table_name, key, copy.deepcopy(current)))
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:  # noqa: BLE001 — moto reports any other failure per operation
            errors.append((type(e).__name__, str(e), original_item))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)

    # Then the writes; if one fails, what was written is put back.
    tables = {name: self.get_table(name) for name, _, _ in before}
    stream_lengths = {
        name: len(t.stream_shard.items) for name, t in tables.items() if t.stream_shard is not None
    }
    applied = []
    try:
        for index, (op_type, op) in enumerate(ops):
            table_name = op["TableName"]
            conditions = {
                "condition_expression": op.get("ConditionExpression"),
                "expression_attribute_names": op.get("ExpressionAttributeNames"),
                "expression_attribute_values": op.get("ExpressionAttributeValues"),
            }
            if op_type == "Put":
                self.put_item(table_name, op["Item"], **conditions)
            elif op_type == "Delete":
                self.delete_item(table_name, op["Key"], **conditions)
            elif op_type == "Update":
                self.update_item(table_name, op["Key"], update_expression=op["UpdateExpression"], **conditions)
            applied.append(index)
    except Exception as e:
        for table_name, key, item in before:
            _put_back(tables[table_name], key, item)
        for name, length in stream_lengths.items():
            del tables[name].stream_shard.items[length:]
        if isinstance(e, MockValidationException):
            raise
        failed = len(applied)
        reasons = [(None, None, None)] * len(ops)
        reasons[failed] = (type(e).__name__, str(e), None)
        raise TransactionCanceledException(reasons) from e


class _CachedRSAKey:
    """`joserfc.jwk.RSAKey`, importing each key once."""

    _imported = {}

    @classmethod
    def import_key(cls, data, *args, **kwargs):
        if args or kwargs:
            return _REAL_JWK.RSAKey.import_key(data, *args, **kwargs)
        name = json.dumps(data, sort_keys=True) if isinstance(data, dict) else repr(data)
        if name not in cls._imported:
            cls._imported[name] = _REAL_JWK.RSAKey.import_key(data)
        return cls._imported[name]


class _Jwk:
    RSAKey = _CachedRSAKey


_REAL_JWK = cognito_models.jwk


def install():
    DynamoDBBackend.transact_write_items = transact_write_items
    cognito_models.jwk = _Jwk
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
