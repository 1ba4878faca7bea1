-- Drives `loadfix server` from Neovim's built-in LSP client, headless:
-- open FILE, wait for loadfix's diagnostic, request the code action whose
-- title starts with ACTION (environment variables), apply its edit, write.
-- Debian's Neovim is 0.7, which has vim.lsp.start_client but not
-- vim.lsp.start (0.8) or vim.lsp.config (0.11); the README shows those.
local loadfix = os.getenv("LOADFIX")
local file = os.getenv("FILE")
local action_prefix = os.getenv("ACTION")

local function die(message)
  io.stderr:write("nvim_fix.lua: " .. message .. "\n")
  vim.cmd("cquit 1")
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "loadfix",
  cmd = { loadfix, "server" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
})
if not client_id then
  die("the client did not start")
end
vim.lsp.buf_attach_client(bufnr, client_id)

local ok = vim.wait(10000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 50)
if not ok then
  die("no diagnostic within 10 s")
end
local diagnostic = vim.diagnostic.get(bufnr)[1]
if diagnostic.source ~= "loadfix" then
  die("unexpected diagnostic source " .. tostring(diagnostic.source))
end
print("diagnostic: " .. diagnostic.message)

local client = vim.lsp.get_client_by_id(client_id)
local params = vim.lsp.util.make_range_params()
params.range = {
  start = { line = diagnostic.lnum, character = diagnostic.col },
  ["end"] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
}
params.context = { diagnostics = { diagnostic.user_data.lsp } }
local response = client.request_sync("textDocument/codeAction", params, 10000, bufnr)
if not response or response.err then
  die("codeAction failed: " .. vim.inspect(response))
end
local chosen
for _, action in ipairs(response.result or {}) do
  if action.title:sub(1, #action_prefix) == action_prefix then
    chosen = action
    break
  end
end
if not chosen then
  die("no code action titled " .. action_prefix .. "...: " .. vim.inspect(response.result))
end
print("applying: " .. chosen.title)
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
vim.cmd("write")

-- The server sees the edit too: its diagnostics for the new version
-- no longer hold the finding that was fixed.
local fixed = vim.wait(10000, function()
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == diagnostic.code and d.lnum == diagnostic.lnum then
      return false
    end
  end
  return true
end, 50)
if not fixed then
  die("the diagnostic is still there after the fix")
end
vim.lsp.stop_client(client_id)
vim.wait(2000, function()
  return vim.lsp.client_is_stopped(client_id)
end, 50)
vim.cmd("qall!")
