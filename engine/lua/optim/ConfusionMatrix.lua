-- optim/ConfusionMatrix.lua: counts of (target, prediction) pairs for a
-- classifier, with per-class and global accuracies, printed as Torch7.
-- mat[t][p] counts samples of class t predicted as p; non-positive targets
-- are ignored (missing labels).

local CM = torch.class('optim.ConfusionMatrix')

function CM:__init(nclasses, classes)
  if type(nclasses) == 'table' then
    classes = nclasses
    nclasses = #classes
  end
  self.mat = torch.LongTensor(nclasses, nclasses):zero()
  self.valids = torch.FloatTensor(nclasses):zero()
  self.unionvalids = torch.FloatTensor(nclasses):zero()
  self.nclasses = nclasses
  self.totalValid = 0
  self.averageValid = 0
  self.classes = classes or {}
end

function CM:_add(p, t)
  assert(type(p) == 'number' and type(t) == 'number', 'ConfusionMatrix: class indices expected')
  if t > 0 then self.mat[t][p] = self.mat[t][p] + 1 end
end

-- Index of the largest element of a vector (first one on ties).
local function argmax(v)
  local best, at = -math.huge, 1
  for i = 1, v:size(1) do
    local x = v[i]
    if x > best then best, at = x, i end
  end
  return at
end

-- prediction: a class index or a vector of scores; target: a class index
-- or a one-hot (score) vector.
function CM:add(prediction, target)
  if type(prediction) == 'number' then
    self:_add(prediction, target)
    return
  end
  assert(prediction:dim() == 1, 'ConfusionMatrix:add: prediction must be a vector')
  local p = argmax(prediction)
  if type(target) == 'number' then
    self:_add(p, target)
  else
    assert(target:dim() == 1, 'ConfusionMatrix:add: target must be a vector')
    self:_add(p, argmax(target))
  end
end

-- predictions: [n] classes or [n, nclasses] scores; targets: [n] classes
-- or [n, nclasses] one-hot rows.
function CM:batchAdd(predictions, targets)
  local n = predictions:size(1)
  local function class_of(t, i)
    if t:dim() == 1 then return t[i] end
    if t:size(2) == 1 then return t[i][1] end
    return argmax(t[i])
  end
  if predictions:dim() > 2 or targets:dim() > 2 then
    error('ConfusionMatrix:batchAdd: predictions and targets must be 1D or 2D')
  end
  for i = 1, n do
    local t = class_of(targets, i)
    if t >= 1 then self:_add(class_of(predictions, i), t) end
  end
end

function CM:zero()
  self.mat:zero()
  self.valids:zero()
  self.unionvalids:zero()
  self.totalValid = 0
  self.averageValid = 0
end

local function isnan(x) return x ~= x end

function CM:updateValids()
  local total = 0
  for t = 1, self.nclasses do
    local row = self.mat:select(1, t):sum()
    local col = self.mat:select(2, t):sum()
    local d = self.mat[t][t]
    self.valids[t] = d / row
    self.unionvalids[t] = d / (row + col - d)
    total = total + d
  end
  self.totalValid = total / self.mat:sum()
  self.averageValid = 0
  self.averageUnionValid = 0
  local nvalids, nunion = 0, 0
  for t = 1, self.nclasses do
    local v, u = self.valids[t], self.unionvalids[t]
    if not isnan(v) then
      self.averageValid = self.averageValid + v
      nvalids = nvalids + 1
      if not isnan(u) then
        self.averageUnionValid = self.averageUnionValid + u
        nunion = nunion + 1
      end
    end
  end
  self.averageValid = self.averageValid / nvalids
  self.averageUnionValid = self.averageUnionValid / nunion
end

-- False acceptance and false rejection rates per class.
function CM:farFrr()
  local cmat = self.mat
  local noOfClasses = cmat:size(1)
  self._frrs = self._frrs or torch.zeros(noOfClasses)
  self._frrs:zero()
  self._classFrrs = self._classFrrs or torch.zeros(noOfClasses)
  self._classFrrs:zero()
  self._classFrrs:add(-1)
  self._fars = self._fars or torch.zeros(noOfClasses)
  self._fars:zero()
  self._classFars = self._classFars or torch.zeros(noOfClasses)
  self._classFars:zero()
  self._classFars:add(-1)
  local classSamplesCount = cmat:sum(2)
  local indx = 1
  for i = 1, noOfClasses do
    if classSamplesCount[i][1] ~= 0 then
      self._frrs[indx] = 1 - cmat[i][i] / classSamplesCount[i][1]
      self._classFrrs[i] = self._frrs[indx]
      local totalFalseAcceptances = 0
      local totalImposters = 0
      for j = 1, noOfClasses do
        if j ~= i and classSamplesCount[j][1] ~= 0 then
          totalFalseAcceptances = totalFalseAcceptances + cmat[j][i]
          totalImposters = totalImposters + classSamplesCount[j][1]
        end
      end
      self._fars[indx] = totalImposters > 0 and totalFalseAcceptances / totalImposters or 0
      self._classFars[i] = self._fars[indx]
      indx = indx + 1
    end
  end
  indx = indx - 1
  local returnFrrs = self._frrs[{ { 1, indx } }]
  local returnFars = self._fars[{ { 1, indx } }]
  return self._classFrrs, self._classFars, returnFrrs, returnFars
end

function CM:__tostring__()
  self:updateValids()
  local out = { 'ConfusionMatrix:\n', '[' }
  local n = self.nclasses
  local maxCnt = self.mat:max()
  local width = math.max(8, 1 + math.ceil(math.log10(maxCnt)))
  local named = self.classes and self.classes[1]
  for t = 1, n do
    local pclass = string.format('%2.3f', self.valids[t] * 100)
    out[#out + 1] = t == 1 and '[' or ' ['
    for p = 1, n do out[#out + 1] = string.format('%' .. width .. 'd', self.mat[t][p]) end
    local close = t == n and ']]  ' or ']   '
    if named then
      out[#out + 1] = close .. pclass .. '% \t[class: ' .. (self.classes[t] or '') .. ']\n'
    else
      out[#out + 1] = close .. pclass .. '% \n'
    end
  end
  out[#out + 1] = ' + average row correct: ' .. (self.averageValid * 100) .. '% \n'
  out[#out + 1] = ' + average rowUcol correct (VOC measure): ' .. (self.averageUnionValid * 100) .. '% \n'
  out[#out + 1] = ' + global correct: ' .. (self.totalValid * 100) .. '%'
  return table.concat(out)
end
