-- archlint's language server for architecture files, and only those (never every
-- YAML file). Neovim 0.7 (Debian's) to 0.11: put this file in your config
-- (e.g. ~/.config/nvim/plugin/archlint.lua). `vim.g.archlint_cmd` overrides the
-- command (default: `archlint server` from PATH).
vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile" }, {
  pattern = { "*.arch.yaml", "*.arch.yml", "architecture.yaml", "architecture.yml" },
  callback = function(ev)
    local config = {
      name = "archlint",
      cmd = vim.g.archlint_cmd or { "archlint", "server" },
      root_dir = vim.fn.fnamemodify(ev.file, ":p:h"),
    }
    if vim.lsp.start then
      -- Neovim 0.8 and later: starts the server once and reuses it
      vim.lsp.start(config)
    else
      -- Neovim 0.7
      vim.lsp.buf_attach_client(ev.buf, vim.lsp.start_client(config))
    end
  end,
})
