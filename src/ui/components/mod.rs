//! One component per file, its props right above it.

pub mod dashboard;
pub mod detail_drawer;
pub mod drop_zone;
pub mod error_banner;
pub mod errors_view;
pub mod event_table;
pub mod explorer;
pub mod export_bar;
pub mod facet_sidebar;
pub mod file_chips;
pub mod filter_chips;
pub mod findings_view;
pub mod identity_view;
pub mod kpi_tiles;
pub mod lifecycle_view;
pub mod loading_view;
pub mod search_box;
pub mod start_screen;
pub mod theme_toggle;
pub mod workspace;
