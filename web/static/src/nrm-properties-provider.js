// The "NRM engine" group of the properties panel: what our engine (SpiffWorkflow) reads from a
// diagram, edited in place. Everything is changed through the command stack, so each edit can be
// undone and marks the diagram as modified.
import { is, getBusinessObject } from "bpmn-js/lib/util/ModelUtil";
import {
  Group,
  ListGroup,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { h } from "@bpmn-io/properties-panel/preact";

const MULTI = "properties-panel.multi-command-executor";
const TIMER_TYPES = ["timeDate", "timeDuration", "timeCycle"];

/** The group of a lane, as the engine derives it: lower case, runs of spaces as hyphens. */
export function laneGroup(name) {
  return (name || "unassigned").toLowerCase().split(/\s+/).filter(Boolean).join("-");
}

// ---- moddle helpers ----------------------------------------------------------------------

function extensionValues(bo, type) {
  const ext = bo.get("extensionElements");
  const values = (ext && ext.get("values")) || [];
  return type ? values.filter((value) => is(value, type)) : values;
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

function addExtension(element, bo, child, moddle, commands) {
  let ext = bo.get("extensionElements");
  if (!ext) {
    ext = moddle.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    commands.push(update(element, bo, { extensionElements: ext }));
  }
  child.$parent = ext;
  commands.push(update(element, ext, { values: [...ext.get("values"), child] }));
}

function removeExtension(element, bo, child, commands) {
  const ext = bo.get("extensionElements");
  const values = ext.get("values").filter((value) => value !== child);
  commands.push(update(element, ext, { values }));
  if (!values.length) commands.push(update(element, bo, { extensionElements: undefined }));
}

function findProperty(bo, name) {
  for (const container of extensionValues(bo, "spiffworkflow:Properties")) {
    for (const property of container.get("properties")) {
      if (property.get("name") === name) return { container, property };
    }
  }
  return {};
}

export function getSpiffProperty(element, name) {
  const { property } = findProperty(getBusinessObject(element), name);
  return property ? property.get("value") || "" : "";
}

function setSpiffProperty(element, name, value, moddle, commandStack) {
  const bo = getBusinessObject(element);
  const { container, property } = findProperty(bo, name);
  const commands = [];
  if (!value) {
    if (!property) return;
    const rest = container.get("properties").filter((p) => p !== property);
    if (rest.length) commands.push(update(element, container, { properties: rest }));
    else removeExtension(element, bo, container, commands);
  } else if (property) {
    commands.push(update(element, property, { value }));
  } else {
    const created = moddle.create("spiffworkflow:Property", { name, value });
    const existing = extensionValues(bo, "spiffworkflow:Properties")[0];
    if (existing) {
      created.$parent = existing;
      commands.push(update(element, existing, { properties: [...existing.get("properties"), created] }));
    } else {
      const box = moddle.create("spiffworkflow:Properties", { properties: [created] });
      created.$parent = box;
      addExtension(element, bo, box, moddle, commands);
    }
  }
  commandStack.execute(MULTI, commands);
}

function timerDefinition(element) {
  const bo = getBusinessObject(element);
  return (bo.get("eventDefinitions") || []).find((d) => is(d, "bpmn:TimerEventDefinition"));
}

function serviceOperator(element) {
  return extensionValues(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator")[0];
}

// ---- entry components ----------------------------------------------------------------------

function trimmed(value) {
  return (value || "").trim();
}

function ConditionEntry({ element, id }) {
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextAreaEntry({
    element,
    id,
    label: "Condition (Python expression)",
    description: "The flow is taken when this is true. Leave empty for an unconditional flow.",
    monospace: true,
    debounce,
    getValue: () => trimmed(bo.get("conditionExpression") && bo.get("conditionExpression").get("body")),
    setValue: (value) => {
      const current = bo.get("conditionExpression");
      if (!value) {
        commandStack.execute("element.updateModdleProperties", {
          element,
          moddleElement: bo,
          properties: { conditionExpression: undefined },
        });
      } else if (current) {
        commandStack.execute("element.updateModdleProperties", {
          element,
          moddleElement: current,
          properties: { body: value },
        });
      } else {
        const expression = bpmnFactory.create("bpmn:FormalExpression", { body: value });
        expression.$parent = bo;
        commandStack.execute("element.updateModdleProperties", {
          element,
          moddleElement: bo,
          properties: { conditionExpression: expression },
        });
      }
    },
  });
}

function ScriptEntry({ element, id }) {
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextAreaEntry({
    element,
    id,
    label: "Script (Python)",
    description: "Runs in the engine's sandbox; it reads and sets the case data.",
    monospace: true,
    rows: 4,
    debounce,
    getValue: () => trimmed(bo.get("script")),
    setValue: (value) => {
      const properties = { script: value };
      if (!bo.get("scriptFormat")) properties.scriptFormat = "python";
      commandStack.execute("element.updateModdleProperties", { element, moddleElement: bo, properties });
    },
  });
}

function CalledElementEntry({ element, id }) {
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextFieldEntry({
    element,
    id,
    label: "Called process (process id)",
    description: "The id of the process this call activity runs, from this draft or a deployed model.",
    debounce,
    getValue: () => trimmed(bo.get("calledElement")),
    setValue: (value) =>
      commandStack.execute("element.updateModdleProperties", {
        element,
        moddleElement: bo,
        properties: { calledElement: value },
      }),
  });
}

function CalledDecisionEntry({ element, id }) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  const current = () => extensionValues(bo, "spiffworkflow:CalledDecisionId")[0];
  return TextFieldEntry({
    element,
    id,
    label: "Decision (DMN decision id)",
    description: "The id of the decision table this task evaluates.",
    debounce,
    getValue: () => trimmed(current() && current().get("value")),
    setValue: (value) => {
      const existing = current();
      const commands = [];
      if (!value) {
        if (!existing) return;
        removeExtension(element, bo, existing, commands);
      } else if (existing) {
        commands.push(update(element, existing, { value }));
      } else {
        addExtension(element, bo, moddle.create("spiffworkflow:CalledDecisionId", { value }), moddle, commands);
      }
      commandStack.execute(MULTI, commands);
    },
  });
}

function PropertyTextEntry({ element, id, name, label, description }) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  const debounce = useService("debounceInput");
  return TextFieldEntry({
    element,
    id,
    label,
    description,
    debounce,
    getValue: () => trimmed(getSpiffProperty(element, name)),
    setValue: (value) => setSpiffProperty(element, name, value, moddle, commandStack),
  });
}

function FormEntry({ element, id, forms }) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  return SelectEntry({
    element,
    id,
    label: "Form (JSON Schema file)",
    getValue: () => getSpiffProperty(element, "formJsonSchemaFilename"),
    setValue: (value) => setSpiffProperty(element, "formJsonSchemaFilename", value, moddle, commandStack),
    getOptions: () => {
      const current = getSpiffProperty(element, "formJsonSchemaFilename");
      const options = [{ value: "", label: "(no form)" }, ...forms.map((form) => ({ value: form, label: form }))];
      if (current && !forms.includes(current)) options.push({ value: current, label: `${current} (not in this draft)` });
      return options;
    },
  });
}

function TimerEntry({ element, id }) {
  const commandStack = useService("commandStack");
  const bpmnFactory = useService("bpmnFactory");
  const debounce = useService("debounceInput");
  const definition = timerDefinition(element);
  const kind = TIMER_TYPES.find((type) => definition.get(type)) || "timeDate";
  return TextAreaEntry({
    element,
    id,
    label: "Timer expression (Python)",
    description:
      kind === "timeDate"
        ? "When the timer fires: an expression giving a date and time, for example reflection['ends_at']."
        : `The timer's ${kind === "timeDuration" ? "duration" : "cycle"}, as an expression.`,
    monospace: true,
    debounce,
    getValue: () => trimmed(definition.get(kind) && definition.get(kind).get("body")),
    setValue: (value) => {
      const expression = definition.get(kind);
      if (expression) {
        commandStack.execute("element.updateModdleProperties", {
          element,
          moddleElement: expression,
          properties: { body: value },
        });
      } else {
        const created = bpmnFactory.create("bpmn:FormalExpression", { body: value });
        created.$parent = definition;
        commandStack.execute("element.updateModdleProperties", {
          element,
          moddleElement: definition,
          properties: { [kind]: created },
        });
      }
    },
  });
}

function OperatorEntry({ element, id, attribute, label, description }) {
  const commandStack = useService("commandStack");
  const moddle = useService("moddle");
  const debounce = useService("debounceInput");
  const bo = getBusinessObject(element);
  return TextFieldEntry({
    element,
    id,
    label,
    description,
    debounce,
    getValue: () => trimmed(serviceOperator(element) && serviceOperator(element).get(attribute)),
    setValue: (value) => {
      const operator = serviceOperator(element);
      if (operator) {
        commandStack.execute("element.updateModdleProperties", {
          element,
          moddleElement: operator,
          properties: { [attribute]: value },
        });
      } else if (value) {
        const commands = [];
        addExtension(element, bo, moddle.create("spiffworkflow:ServiceTaskOperator", { [attribute]: value }), moddle, commands);
        commandStack.execute(MULTI, commands);
      }
    },
  });
}

function ParameterAttributeEntry({ element, id, parameter, attribute, label }) {
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return TextFieldEntry({
    element,
    id,
    label,
    debounce,
    getValue: () => parameter.get(attribute) || "",
    setValue: (value) =>
      commandStack.execute("element.updateModdleProperties", {
        element,
        moddleElement: parameter,
        properties: { [attribute]: value },
      }),
  });
}

function LaneHintEntry({ element, id, groups }) {
  const name = getBusinessObject(element).get("name");
  const group = laneGroup(name);
  const known = groups.includes(group);
  return h("div", { class: "bio-properties-panel-entry nrm-lane-hint", "data-entry-id": id }, [
    h("p", { class: "nrm-lane-hint__group" }, [
      "Tasks in this lane go to the group ",
      h("code", null, group),
      known ? " (a known group)." : " — not one of the known groups: its user tasks need a candidate group, or rename the lane.",
    ]),
    h("p", null, "The group is the lane's name in lower case, spaces as hyphens. Known groups:"),
    h(
      "ul",
      { class: "nrm-lane-hint__groups" },
      groups.map((g) => h("li", { key: g }, h("code", null, g))),
    ),
  ]);
}

// ---- the provider --------------------------------------------------------------------------

function engineEntries(element, config) {
  const entries = [];
  const bo = getBusinessObject(element);
  if (is(element, "bpmn:SequenceFlow")) {
    const source = bo.get("sourceRef");
    if (!source || !is(source, "bpmn:ParallelGateway")) {
      entries.push({ id: "nrm-condition", component: ConditionEntry, isEdited: isTextAreaEntryEdited });
    }
  }
  if (is(element, "bpmn:ScriptTask")) {
    entries.push({ id: "nrm-script", component: ScriptEntry, isEdited: isTextAreaEntryEdited });
  }
  if (is(element, "bpmn:CallActivity")) {
    entries.push({ id: "nrm-calledElement", component: CalledElementEntry, isEdited: isTextFieldEntryEdited });
  }
  if (is(element, "bpmn:BusinessRuleTask")) {
    entries.push({ id: "nrm-calledDecisionId", component: CalledDecisionEntry, isEdited: isTextFieldEntryEdited });
  }
  if (is(element, "bpmn:UserTask")) {
    entries.push(
      { id: "nrm-form", component: FormEntry, forms: config.forms, isEdited: isSelectEntryEdited },
      {
        id: "nrm-dueDate",
        component: PropertyTextEntry,
        name: "dueDate",
        label: "Due date (Python expression)",
        description: "When the task is due, for example rg_due_at.",
        isEdited: isTextFieldEntryEdited,
      },
      {
        id: "nrm-candidateGroup",
        component: PropertyTextEntry,
        name: "candidateGroup",
        label: "Candidate group (Python expression)",
        description: "Who may do the task. Leave empty to offer it to the lane's group.",
        isEdited: isTextFieldEntryEdited,
      },
    );
  }
  if (is(element, "bpmn:ServiceTask")) {
    entries.push(
      {
        id: "nrm-operator",
        component: OperatorEntry,
        attribute: "id",
        label: "Service operation",
        description: "The id of the engine's service operation, for example produce_decision_letters.",
        isEdited: isTextFieldEntryEdited,
      },
      {
        id: "nrm-resultVariable",
        component: OperatorEntry,
        attribute: "resultVariable",
        label: "Result variable",
        description: "The case data field that receives the operation's result.",
        isEdited: isTextFieldEntryEdited,
      },
    );
  }
  if (
    (is(element, "bpmn:StartEvent") || is(element, "bpmn:IntermediateCatchEvent") || is(element, "bpmn:BoundaryEvent")) &&
    timerDefinition(element)
  ) {
    entries.push({ id: "nrm-timer", component: TimerEntry, isEdited: isTextAreaEntryEdited });
  }
  if (is(element, "bpmn:Lane")) {
    entries.push({ id: "nrm-lane-group", component: LaneHintEntry, groups: config.groups });
  }
  return entries;
}

function parametersGroup(element, injector) {
  if (!is(element, "bpmn:ServiceTask")) return null;
  const commandStack = injector.get("commandStack");
  const moddle = injector.get("moddle");
  const bo = getBusinessObject(element);
  const operator = serviceOperator(element);
  const list = operator && operator.get("parameterList");
  const parameters = (list && list.get("parameters")) || [];
  const items = parameters.map((parameter, index) => {
    const prefix = `nrm-parameter-${index}`;
    return {
      id: prefix,
      label: parameter.get("id") || `Parameter ${index + 1}`,
      entries: [
        { id: `${prefix}-id`, component: ParameterAttributeEntry, parameter, attribute: "id", label: "Name", isEdited: isTextFieldEntryEdited },
        { id: `${prefix}-type`, component: ParameterAttributeEntry, parameter, attribute: "type", label: "Type", isEdited: isTextFieldEntryEdited },
        { id: `${prefix}-value`, component: ParameterAttributeEntry, parameter, attribute: "value", label: "Value (Python expression)", isEdited: isTextFieldEntryEdited },
      ],
      autoFocusEntry: `${prefix}-id`,
      remove: (event) => {
        event.stopPropagation();
        const rest = list.get("parameters").filter((p) => p !== parameter);
        commandStack.execute("element.updateModdleProperties", {
          element,
          moddleElement: list,
          properties: { parameters: rest },
        });
      },
    };
  });
  const add = (event) => {
    event.stopPropagation();
    const commands = [];
    const parameter = moddle.create("spiffworkflow:Parameter", { id: `parameter_${parameters.length + 1}`, type: "str", value: "" });
    let target = operator;
    if (!target) {
      target = moddle.create("spiffworkflow:ServiceTaskOperator", {});
      addExtension(element, bo, target, moddle, commands);
    }
    let targetList = target.get("parameterList");
    if (!targetList) {
      targetList = moddle.create("spiffworkflow:Parameters", { parameters: [] });
      targetList.$parent = target;
      commands.push(update(element, target, { parameterList: targetList }));
    }
    parameter.$parent = targetList;
    commands.push(update(element, targetList, { parameters: [...targetList.get("parameters"), parameter] }));
    commandStack.execute(MULTI, commands);
  };
  return { id: "nrm-parameters", label: "NRM service parameters", component: ListGroup, items, add };
}

class NrmPropertiesProvider {
  constructor(propertiesPanel, injector, config) {
    this._injector = injector;
    this._config = { forms: [], groups: [], ...(config || {}) };
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element) {
    return (groups) => {
      const entries = engineEntries(element, this._config);
      const extra = [];
      if (entries.length) {
        extra.push({ id: "nrm-engine", label: "NRM engine", entries, component: Group });
      }
      const parameters = parametersGroup(element, this._injector);
      if (parameters) extra.push(parameters);
      if (!extra.length) return groups;
      const general = groups.findIndex((group) => group.id === "general");
      const result = [...groups];
      result.splice(general + 1, 0, ...extra);
      return result;
    };
  }
}

NrmPropertiesProvider.$inject = ["propertiesPanel", "injector", "config.nrm"];

export default {
  __init__: ["nrmPropertiesProvider"],
  nrmPropertiesProvider: ["type", NrmPropertiesProvider],
};
