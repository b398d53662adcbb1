//! Where the CSV files come from: a folder, or a .zip as rostering systems
//! export them (the files at its root or in one folder inside it). Each file
//! is read as a stream, never loaded whole.

use color_eyre::eyre::{Result, WrapErr, bail};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

pub enum Source {
    Dir(PathBuf),
    Zip {
        path: PathBuf,
        archive: zip::ZipArchive<BufReader<File>>,
    },
}

impl Source {
    pub fn open(path: &Path) -> Result<Source> {
        let meta =
            std::fs::metadata(path).wrap_err_with(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            return Ok(Source::Dir(path.to_path_buf()));
        }
        if !meta.is_file() {
            bail!(
                "{} is neither a folder nor a .zip file of OneRoster CSV files",
                path.display()
            );
        }
        let file = File::open(path).wrap_err_with(|| format!("cannot open {}", path.display()))?;
        let archive = zip::ZipArchive::new(BufReader::new(file)).wrap_err_with(|| {
            format!("{} is not a folder or a readable .zip file", path.display())
        })?;
        Ok(Source::Zip {
            path: path.to_path_buf(),
            archive,
        })
    }

    /// The file called `name` (e.g. `users.csv`), if the export has it.
    pub fn file(&mut self, name: &str) -> Result<Option<Box<dyn Read + '_>>> {
        match self {
            Source::Dir(dir) => {
                let p = dir.join(name);
                match File::open(&p) {
                    Ok(f) => Ok(Some(Box::new(BufReader::with_capacity(1 << 16, f)))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e).wrap_err_with(|| format!("cannot open {}", p.display())),
                }
            }
            Source::Zip { path, archive } => {
                let Some(index) = zip_index(archive, name) else {
                    return Ok(None);
                };
                let entry = archive
                    .by_index(index)
                    .wrap_err_with(|| format!("cannot read {name} in {}", path.display()))?;
                Ok(Some(Box::new(entry)))
            }
        }
    }
}

/// The entry whose last path component is `name`, at the shallowest depth
/// (an export zipped with its folder has it one level down).
fn zip_index(archive: &zip::ZipArchive<BufReader<File>>, name: &str) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, entry) in archive.file_names().enumerate() {
        let depth = entry.matches('/').count();
        if entry.rsplit('/').next() == Some(name)
            && !entry.starts_with("__MACOSX/")
            && best.is_none_or(|(d, _)| depth < d)
        {
            best = Some((depth, i));
        }
    }
    // file_names() follows the archive's order, which by_index uses too.
    best.map(|(_, i)| i)
}
