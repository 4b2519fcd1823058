;;; archlint.el --- archlint's language server for architecture files -*- lexical-binding: t -*-
;; For architecture files only, never every YAML file: a mode of their own, derived
;; from `yaml-mode' when it is installed (for its highlighting), that eglot connects
;; to `archlint server'. Emacs 29 has eglot built in; on Emacs 28 install it
;; (Debian: `apt install elpa-eglot'). Load this file from your init file, e.g.
;; (load "~/.emacs.d/archlint.el"), and eglot starts on each architecture file.
(require 'eglot)
(defvar archlint-program "archlint"
  "The archlint executable.")
(if (fboundp 'yaml-mode)
    (define-derived-mode archlint-mode yaml-mode "archlint"
      "Architecture files, linted by archlint's language server.")
  (define-derived-mode archlint-mode prog-mode "archlint"
    "Architecture files, linted by archlint's language server."))
(add-to-list 'auto-mode-alist '("\\.arch\\.ya?ml\\'" . archlint-mode))
(add-to-list 'auto-mode-alist '("/architecture\\.ya?ml\\'" . archlint-mode))
(add-to-list 'eglot-server-programs
             `(archlint-mode . ,(lambda (&rest _) (list archlint-program "server"))))
(add-hook 'archlint-mode-hook #'eglot-ensure)
(provide 'archlint)
;;; archlint.el ends here
