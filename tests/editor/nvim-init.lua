-- Neovim (0.7+) headless as a real LSP client for tests/editor.rs: open the file,
-- start `archlint server`, wait for its diagnostics, write them out, quit.
local file = vim.fn.argv(0)
local out = os.getenv("ARCHLINT_NVIM_OUT")
local bin = os.getenv("ARCHLINT_BIN")
vim.cmd("edit " .. file)
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ name = "archlint", cmd = { bin, "server" }, root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(buf, id)
local ok = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local f = io.open(out, "w")
for _, d in ipairs(vim.diagnostic.get(buf)) do
  f:write(string.format("%d:%d %s %s\n", d.lnum + 1, d.col + 1, tostring(d.code), d.message:gsub("\n.*", "")))
end
f:close()
vim.cmd("qa!")
