#pragma once

// The umbrella header of LPM: supervised pools of worker processes for Qt.

#include <lpm/lpmerror.h>
#include <lpm/lpmevent.h>
#include <lpm/lpmglobal.h>
#include <lpm/lpmlatency.h>
#include <lpm/lpmlauncher.h>
#include <lpm/lpmpoolmetrics.h>
#include <lpm/lpmrequest.h>
#include <lpm/lpmresponse.h>
#include <lpm/lpmstream.h>
#include <lpm/lpmsupervisor.h>
#include <lpm/lpmsupervisorconfig.h>
#include <lpm/lpmworker.h>
#include <lpm/lpmworkerexit.h>
#include <lpm/lpmworkerhealth.h>
#include <lpm/lpmworkermodel.h>
#include <lpm/lpmworkerstatus.h>
