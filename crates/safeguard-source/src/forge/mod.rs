//! Forge data: CODEOWNERS, branch protection exports, review exports, commit-message review evidence.
