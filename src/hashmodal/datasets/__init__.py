"""Data sets: the multi-modal data set object, file loaders and a registry.

A :class:`MultiModalDataset` holds named ``views`` (modality -> 2-D array, rows
aligned), ``labels`` (class ids or multi-hot) and a :class:`Split` (train /
query / database rows). Named data sets load with :func:`load`::

    from hashmodal import datasets
    wiki = datasets.load("wiki", path="data/wiki")   # folder or file
    uci = datasets.load("uci-mfeat")                 # embedded, no file needed

Files are looked for under ``path`` or, without it, under the folder named by
the environment variable ``HASHMODAL_DATA`` (``$HASHMODAL_DATA/<name>/``).
"""

from hashmodal.datasets import _catalog as _catalog
from hashmodal.datasets import _uci_mfeat as _uci_mfeat
from hashmodal.datasets._catalog import (
    WIKI_CLASSES,
    load_100leaves,
    load_msrc_v1,
    load_orl_4view,
    load_wiki,
)
from hashmodal.datasets._dataset import (
    MultiModalDataset,
    Split,
    Subset,
    stratified_split,
)
from hashmodal.datasets._files import (
    load_dataset_file,
    load_h5,
    load_npz,
    save_dataset,
    save_h5,
    save_npz,
)
from hashmodal.datasets._matlab import (
    load_cross_modal_mat,
    load_multiview_mat,
    read_mat,
)
from hashmodal.datasets._registry import (
    DATA_ENV_VAR,
    DatasetInfo,
    DatasetNotFoundError,
    available,
    list_datasets,
    load,
)
from hashmodal.datasets._uci_mfeat import (
    UCI_MFEAT_VIEWS,
    load_uci_mfeat,
    uci_mfeat_split,
)

__all__ = [
    "DATA_ENV_VAR",
    "UCI_MFEAT_VIEWS",
    "WIKI_CLASSES",
    "DatasetInfo",
    "DatasetNotFoundError",
    "MultiModalDataset",
    "Split",
    "Subset",
    "available",
    "list_datasets",
    "load",
    "load_100leaves",
    "load_cross_modal_mat",
    "load_dataset_file",
    "load_h5",
    "load_msrc_v1",
    "load_multiview_mat",
    "load_npz",
    "load_orl_4view",
    "load_uci_mfeat",
    "load_wiki",
    "read_mat",
    "save_dataset",
    "save_h5",
    "save_npz",
    "stratified_split",
    "uci_mfeat_split",
]
