"""Confidence building measures: the catalogue of areas and coordinators, the
papers of each area through SWG review to SOC approval, activities and
implementation reports, the overview and the exports.

- `models`: CbmDimension, CbmArea, CbmCoordinator, CbmPaper, CbmActivity,
  CbmAnnualReport, CbmActivityReport, CbmAttachment ...
- `services/`: catalogue, papers, activities, reports, attachments, overview,
  exports, notices and mail (report deadlines).
- `notice_kinds`: the report deadline notice (registered with `notices.kinds`).
- `web/`: every CBM page (blueprint "cbm"); `web/loaders.py` finds the object a
  URL names for @access.
- Who may read and do what: `permissions/cbm.py` (the report and paper read
  rules once, in Python and as SQL), over `domain/cbm_visibility.py`.
- The pure rules: `domain/cbm_*.py`.
"""
