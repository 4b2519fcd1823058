;; Emacs headless (eglot) as a real LSP client for tests/editor.rs, with the set-up
;; the README gives (editors/emacs/archlint.el): open the architecture file, let
;; `eglot-ensure' start the server as the command loop would, wait for the
;; diagnostics flymake shows, write them out; then check a plain YAML file is not
;; managed.
(require 'flymake)
(setq archlint-program (getenv "ARCHLINT_BIN"))
(load (getenv "ARCHLINT_EDITOR_CONFIG"))
(let ((out (getenv "ARCHLINT_EMACS_OUT"))
      (file (car command-line-args-left)))
  (setq command-line-args-left nil)
  (find-file file)
  ;; `eglot-ensure' connects after the command that opened the file
  (run-hooks 'post-command-hook)
  (flymake-mode 1)
  (flymake-start)
  (with-timeout (20 nil)
    (while (null (flymake-diagnostics))
      (accept-process-output nil 0.05)))
  ;; the diagnostics as lines, read in the file's buffer
  (let ((lines (mapcar (lambda (d)
                         (let ((beg (flymake-diagnostic-beg d)))
                           (format "%d:%d %s\n"
                                   (line-number-at-pos beg)
                                   (save-excursion (goto-char beg) (1+ (current-column)))
                                   (car (split-string (flymake-diagnostic-text d) "\n")))))
                       (sort (flymake-diagnostics)
                             (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))))
    (find-file "other.yaml")
    (run-hooks 'post-command-hook)
    (push (format "other.yaml managed: %s\n" (if (eglot-managed-p) "yes" "no")) lines)
    (with-temp-file out
      (apply #'insert lines)))
  (kill-emacs 0))
