use clap::Parser;

fn main() -> color_eyre::Result<()> {
    let _cli = caseload::cli::Cli::parse();
    Ok(())
}
