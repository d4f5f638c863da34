//! One component per file, its props right above it.

pub mod action_counts;
pub mod drop_zone;
pub mod error_banner;
pub mod export_bar;
pub mod file_chips;
pub mod kpi_tiles;
pub mod loading_view;
pub mod start_screen;
pub mod summary_view;
pub mod theme_toggle;
