//! Integration tests: the real router on a random port against a temporary database, spoken to over HTTP.
//! Every test runs on SQLite; when `TAPHUAN_TEST_POSTGRES_URL` is set, the database tests run on a fresh
//! PostgreSQL database too.

mod accounts;
mod authoring;
mod certificates;
mod class_list;
mod dashboard;
mod learning;
mod offline;
mod operations;
mod quiz;
mod reading;
mod security;
mod startup;
mod storage;
mod util;
mod workshops;
