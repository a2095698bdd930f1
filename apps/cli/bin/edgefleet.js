#!/usr/bin/env node
'use strict';
// The `edgefleet` command: the TypeScript sources run as they are (see infra/scripts/register.js).
require('../../../infra/scripts/register.js');
require('../src/main.ts');
