//! The local endpoint keeps DynamoDB's promises under concurrency: conditional writes and
//! transactions on one item are atomic (exactly one of N racing writers wins), and
//! parallel transactions neither fail with a 500 nor lose each other's writes. Without
//! this, no test here could prove a concurrency guarantee of the API.
//!
//! These talk to the table directly with the SDK client the handlers use; the races
//! through the API are in `races.rs`.

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use portico_tests::spawn_app;

const RACERS: usize = 8;
const ROUNDS: u64 = 6;
/// Items already in the table, so that the racers meet a table of some size (moto's own
/// transactions copied it per operation, which let threads interleave; the local stack's
/// cost what they name: `infra/local/moto_speed.py`).
const FILLER: usize = 500;

/// Fills the table with [`FILLER`] unrelated items.
async fn fill(db: &aws_sdk_dynamodb::Client, table: &str) {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
    for chunk in (0..FILLER).collect::<Vec<_>>().chunks(25) {
        let writes = chunk
            .iter()
            .map(|i| {
                let put = PutRequest::builder()
                    .item("PK", s("FILLER"))
                    .item("SK", s(&format!("ITEM#{i:05}")))
                    .item("payload", s(&"x".repeat(200)))
                    .build()
                    .expect("put request");
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        db.batch_write_item().request_items(table, writes).send().await.expect("filler");
    }
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A `Put` of the race item at `version + 1`, only if it is still at `version`.
fn bump(table: &str, version: u64, writer: usize) -> TransactWriteItem {
    let put = Put::builder()
        .table_name(table)
        .item("PK", s("RACE"))
        .item("SK", s("ITEM"))
        .item("version", n(version + 1))
        .item("writer", n(writer as u64))
        .condition_expression("#v = :v")
        .expression_attribute_names("#v", "version")
        .expression_attribute_values(":v", n(version))
        .build()
        .expect("put");
    TransactWriteItem::builder().put(put).build()
}

#[tokio::test]
async fn of_racing_conditional_transactions_on_one_item_exactly_one_wins() {
    let app = spawn_app().await;
    let db = app.aws.dynamodb();
    let table = app.prov.table_name.clone();
    fill(&db, &table).await;
    db.put_item()
        .table_name(&table)
        .item("PK", s("RACE"))
        .item("SK", s("ITEM"))
        .item("version", n(1))
        .send()
        .await
        .expect("seed item");

    for version in 1..=ROUNDS {
        let attempts = (0..RACERS).map(|writer| {
            let (db, table) = (db.clone(), table.clone());
            async move { db.transact_write_items().transact_items(bump(&table, version, writer)).send().await }
        });
        let results = futures_util::future::join_all(attempts).await;
        let mut winners = Vec::new();
        for (writer, result) in results.into_iter().enumerate() {
            match result {
                Ok(_) => winners.push(writer),
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), TransactWriteItemsError::TransactionCanceledException(c)
                        if c.cancellation_reasons().iter().any(|r| r.code() == Some("ConditionalCheckFailed"))) => {}
                Err(other) => panic!("round {version}: writer {writer} failed unexpectedly: {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {version}: {} of {RACERS} racing writers won: {winners:?}", winners.len());
        let stored = db
            .get_item()
            .table_name(&table)
            .key("PK", s("RACE"))
            .key("SK", s("ITEM"))
            .consistent_read(true)
            .send()
            .await
            .expect("read back")
            .item
            .expect("the item");
        assert_eq!(stored["version"], n(version + 1));
        assert_eq!(stored["writer"], n(winners[0] as u64), "the stored write is the winner's");
    }
}

#[tokio::test]
async fn of_racing_conditional_puts_creating_one_item_exactly_one_wins() {
    let app = spawn_app().await;
    let db = app.aws.dynamodb();
    let table = app.prov.table_name.clone();
    fill(&db, &table).await;
    for round in 0..ROUNDS {
        let attempts = (0..RACERS).map(|writer| {
            let (db, table) = (db.clone(), table.clone());
            async move {
                db.put_item()
                    .table_name(&table)
                    .item("PK", s("CLAIM"))
                    .item("SK", s(&format!("ROUND#{round}")))
                    .item("writer", n(writer as u64))
                    .condition_expression("attribute_not_exists(PK)")
                    .send()
                    .await
            }
        });
        let results = futures_util::future::join_all(attempts).await;
        let mut winners = 0;
        for result in results {
            match result {
                Ok(_) => winners += 1,
                Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {}
                Err(other) => panic!("round {round}: unexpected failure: {other:?}"),
            }
        }
        assert_eq!(winners, 1, "round {round}: {winners} of {RACERS} creators won");
    }
}

#[tokio::test]
async fn parallel_transactions_neither_fail_nor_undo_each_other() {
    let app = spawn_app().await;
    let db = app.aws.dynamodb();
    let table = app.prov.table_name.clone();
    fill(&db, &table).await;
    // Even writers create their own item; odd ones fail their condition, which must not
    // roll back anyone else's committed write.
    let writes = (0..48u64).map(|i| {
        let (db, table) = (db.clone(), table.clone());
        async move {
            let condition = if i % 2 == 0 { "attribute_not_exists(PK)" } else { "attribute_exists(PK)" };
            let put = Put::builder()
                .table_name(&table)
                .item("PK", s("MANY"))
                .item("SK", s(&format!("ITEM#{i:03}")))
                .condition_expression(condition)
                .build()
                .expect("put");
            db.transact_write_items().transact_items(TransactWriteItem::builder().put(put).build()).send().await
        }
    });
    for (i, result) in futures_util::future::join_all(writes).await.into_iter().enumerate() {
        match (i % 2, result) {
            (0, Ok(_)) => {}
            (1, Err(SdkError::ServiceError(e)))
                if matches!(e.err(), TransactWriteItemsError::TransactionCanceledException(_)) => {}
            (_, other) => panic!("transaction {i}: unexpected outcome {other:?}"),
        }
    }
    let found = db
        .query()
        .table_name(&table)
        .key_condition_expression("PK = :pk")
        .expression_attribute_values(":pk", s("MANY"))
        .consistent_read(true)
        .send()
        .await
        .expect("query");
    assert_eq!(found.count(), 24, "every committed transaction's item is still there");
}

/// The status of a failed S3 call.
fn s3_status<E>(e: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>) -> u16 {
    e.raw_response().map_or(0, |r| r.status().as_u16())
}

#[tokio::test]
async fn a_conditional_copy_is_refused_as_s3_refuses_it() {
    // Attaching an upload copies exactly the bytes it checked to a key written once
    // (docs/files.md): plain moto would copy whatever its conditions say.
    let app = spawn_app().await;
    let s3 = app.aws.s3();
    let bucket = app.prov.bucket.as_str();
    let put = |key: &'static str, body: &'static [u8]| {
        s3.put_object().bucket(bucket).key(key).body(body.to_vec().into()).content_type("image/jpeg").send()
    };
    let checked = put("uploads/a", b"\xff\xd8 checked").await.expect("upload").e_tag().unwrap().to_owned();
    put("uploads/a", b"<html>swapped").await.expect("upload again");
    let copy = |etag: &str| {
        s3.copy_object()
            .bucket(bucket)
            .copy_source(format!("{bucket}/uploads/a"))
            .copy_source_if_match(etag)
            .key("tenants/a")
            .if_none_match("*")
            .send()
    };

    let stale = copy(&checked).await.expect_err("the source changed since it was checked");
    assert_eq!(s3_status(&stale), 412);
    let head = s3.head_object().bucket(bucket).key("tenants/a").send().await;
    assert!(head.is_err(), "nothing was copied");

    let current = s3.head_object().bucket(bucket).key("uploads/a").send().await.unwrap().e_tag().unwrap().to_owned();
    copy(&current).await.expect("the bytes as checked, to a new key");
    put("uploads/a", b"<html>again").await.expect("a third upload");
    let current = s3.head_object().bucket(bucket).key("uploads/a").send().await.unwrap().e_tag().unwrap().to_owned();
    let again = copy(&current).await.expect_err("the destination exists");
    assert_eq!(s3_status(&again), 412);
    let kept = s3.get_object().bucket(bucket).key("tenants/a").send().await.unwrap();
    assert_eq!(kept.body.collect().await.unwrap().into_bytes().as_ref(), b"<html>swapped", "written once");
}

/// All or nothing, whichever way a transaction fails: a condition that does not hold
/// (checked before anything is written), or an update that cannot be applied (found
/// while writing: `moto_speed.py` puts back what was written). Neither leaves an item
/// or a stream record behind, and the items' state is as before.
#[tokio::test]
async fn a_failed_transaction_writes_nothing_and_streams_nothing() {
    use aws_sdk_dynamodb::types::{ConditionCheck, Update};
    let app = spawn_app().await;
    let db = app.aws.dynamodb();
    let table = app.prov.table_name.clone();
    db.put_item().table_name(&table).item("PK", s("T")).item("SK", s("A")).item("n", s("text")).send().await.unwrap();
    let mut stream = portico_local::stream::Stream::open(&app.aws, &table).await.unwrap();
    let put_b = || {
        let put = Put::builder().table_name(&table).item("PK", s("T")).item("SK", s("B")).build().unwrap();
        TransactWriteItem::builder().put(put).build()
    };
    let read = |sk: &'static str| {
        let (db, table) = (db.clone(), table.clone());
        async move {
            db.get_item()
                .table_name(&table)
                .key("PK", s("T"))
                .key("SK", s(sk))
                .consistent_read(true)
                .send()
                .await
                .unwrap()
                .item
        }
    };

    // A condition that does not hold, after a put: the reason names the second operation.
    let check = ConditionCheck::builder()
        .table_name(&table)
        .key("PK", s("T"))
        .key("SK", s("A"))
        .condition_expression("attribute_not_exists(PK)")
        .build()
        .unwrap();
    let refused = db
        .transact_write_items()
        .transact_items(put_b())
        .transact_items(TransactWriteItem::builder().condition_check(check).build())
        .send()
        .await
        .unwrap_err();
    let SdkError::ServiceError(e) = refused else { panic!("{refused:?}") };
    let TransactWriteItemsError::TransactionCanceledException(c) = e.err() else { panic!("{e:?}") };
    let codes: Vec<Option<&str>> = c.cancellation_reasons().iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), 2, "a reason per operation");
    assert_eq!(
        (codes[0] == Some("ConditionalCheckFailed"), codes[1]),
        (false, Some("ConditionalCheckFailed")),
        "{codes:?}"
    );
    assert!(read("B").await.is_none(), "the put before the failed condition is not written");

    // An update that cannot be applied (adding a number to a string), after a put.
    let update = Update::builder()
        .table_name(&table)
        .key("PK", s("T"))
        .key("SK", s("A"))
        .update_expression("SET #n = #n + :one")
        .expression_attribute_names("#n", "n")
        .expression_attribute_values(":one", n(1))
        .build()
        .unwrap();
    let failed = db
        .transact_write_items()
        .transact_items(put_b())
        .transact_items(TransactWriteItem::builder().update(update).build())
        .send()
        .await;
    assert!(failed.is_err(), "{failed:?}");
    assert!(read("B").await.is_none(), "the put before the failed update is put back");
    assert_eq!(read("A").await.unwrap()["n"], s("text"));
    let batch = stream.next_batch_for("{}").await.unwrap();
    assert!(batch.records.is_empty(), "no stream record of what was undone: {:?}", batch.records.len());

    // And a transaction that holds writes both, and streams both.
    let fine = Update::builder()
        .table_name(&table)
        .key("PK", s("T"))
        .key("SK", s("A"))
        .update_expression("SET #n = :t")
        .expression_attribute_names("#n", "n")
        .expression_attribute_values(":t", s("changed"))
        .build()
        .unwrap();
    db.transact_write_items()
        .transact_items(put_b())
        .transact_items(TransactWriteItem::builder().update(fine).build())
        .send()
        .await
        .unwrap();
    assert!(read("B").await.is_some());
    assert_eq!(read("A").await.unwrap()["n"], s("changed"));
    assert_eq!(stream.next_batch_for("{}").await.unwrap().records.len(), 2);
}
