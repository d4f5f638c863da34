//! The export built into the app for "Open demo data".

/// The demo files, as (name, bytes). Read through the same chunked path as dropped files.
pub fn demo_files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        (
            "graph_v1.0_list_provisioning_example1_success.json",
            include_bytes!("../../tests/fixtures/public/graph_v1.0_list_provisioning_example1_success.json"),
        ),
        (
            "graph_v1.0_list_provisioning_example2_failure.json",
            include_bytes!("../../tests/fixtures/public/graph_v1.0_list_provisioning_example2_failure.json"),
        ),
        (
            "graph_beta_legacy_2019_list_provisioning_examples.json",
            include_bytes!("../../tests/fixtures/public/graph_beta_legacy_2019_list_provisioning_examples.json"),
        ),
        (
            "elastic_azure_provisioning_test-provisioninglogs-raw.log",
            include_bytes!("../../tests/fixtures/public/elastic_azure_provisioning_test-provisioninglogs-raw.log"),
        ),
    ]
}
