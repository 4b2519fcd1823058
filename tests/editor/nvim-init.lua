-- Neovim headless as a real LSP client for tests/editor.rs, with the set-up the
-- README gives (editors/neovim/archlint.lua): open the architecture file, wait for
-- the diagnostics, write them out; then open a plain YAML file and check that no
-- server attached to it.
local file = vim.fn.argv(0)
local out = os.getenv("ARCHLINT_NVIM_OUT")
vim.g.archlint_cmd = { os.getenv("ARCHLINT_BIN"), "server" }
dofile(os.getenv("ARCHLINT_EDITOR_CONFIG"))
vim.cmd("edit " .. file)
local buf = vim.api.nvim_get_current_buf()
vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local f = io.open(out, "w")
for _, d in ipairs(vim.diagnostic.get(buf)) do
  f:write(string.format("%d:%d %s %s\n", d.lnum + 1, d.col + 1, tostring(d.code), d.message:gsub("\n.*", "")))
end
vim.cmd("edit other.yaml")
local clients = vim.lsp.buf_get_clients(vim.api.nvim_get_current_buf())
f:write(string.format("clients on other.yaml: %d\n", vim.tbl_count(clients)))
f:close()
vim.cmd("qa!")
