"""Reading and writing files: the data readers (one module per format), model files and the
atomic write. Every reader raises ``DataError`` and the model loader ``ModelFileError``, each
naming the file; nothing is ever unpickled."""
from ..guards import signals_deferred
from .atomic import check_output_path, probe_folder, probe_writable, write_atomically
from .errors import DataError, ModelFileError
from .idx import load_mnist, read_idx
from .image_folder import load_image_folder
from .iris_csv import load_iris
from .model_read import load, load_history, read_metadata
from .model_write import check_savable, save
from .paths import data_dir

__all__ = ["DataError", "ModelFileError", "check_output_path", "check_savable", "data_dir",
           "load", "load_history", "load_image_folder", "load_iris", "load_mnist",
           "probe_folder", "probe_writable", "read_idx", "read_metadata", "save",
           "signals_deferred", "write_atomically"]
