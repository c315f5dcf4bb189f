import { useState } from 'react';
import { useQuery } from 'urql';
import { Heading1, Heading2, Heading3, Paragraph } from '@utrecht/component-library-react';
import { graphql } from '../gql';
import type { ProjectPhase, ProjectsQuery } from '../gql/graphql';
import { useI18n } from '../lib/i18n';
import { usePageTitle } from '../lib/hooks';
import { can, useSession } from '../lib/auth';
import { RequireAbility } from '../components/Layout';
import { ErrorNotice, Loading } from '../components/feedback';
import { Field, Outcome, SelectInput, TextInput, useAction } from '../components/forms';
import { Table, Td, Th } from '../components/table';

// A partner keeps its organisation's projects up to date: add one, change its details, move it
// to another phase (the API: createProject, updateProject, moveProjectPhase). Administrators may
// do so for any organisation. One round trip: the projects and the vocabularies of the form.
const ProjectsDocument = graphql(`
  query Projects($owner: String, $withOrganisations: Boolean!) {
    projects(filter: { owner: $owner }, first: 100) {
      totalCount
      nodes {
        ...ProjectFields
      }
    }
    housingTypes(first: 100) {
      nodes {
        id
        code
        nameNl
        nameEn
      }
    }
    targetGroups(first: 100) {
      nodes {
        id
        code
        nameNl
        nameEn
      }
    }
    organisations(first: 100) @include(if: $withOrganisations) {
      nodes {
        id
        code
        name
      }
    }
  }
`);

export const ProjectFields = graphql(`
  fragment ProjectFields on Project {
    id
    name
    location
    phase
    expectedCompletion
    notes
    totalUnits
    municipality {
      id
      code
      name
    }
    owner {
      id
      code
      name
    }
    units {
      units
      housingType {
        id
        code
        nameNl
        nameEn
      }
      targetGroup {
        id
        code
        nameNl
        nameEn
      }
    }
    phaseHistory {
      fromPhase
      toPhase
      changedOn
      note
      reason
    }
  }
`);

const CreateProjectDocument = graphql(`
  mutation CreateProject($input: NewProjectInput!) {
    createProject(input: $input) {
      __typename
      ... on ProjectSaved {
        changed
        move
        project {
          ...ProjectFields
        }
      }
      ...NotAllowedFields
      ...NotFoundFields
      ...InvalidInputFields
      ...InvalidStateFields
      ...RateLimitedFields
    }
  }
`);

const UpdateProjectDocument = graphql(`
  mutation UpdateProject($id: ID!, $input: ProjectInput!, $reason: String) {
    updateProject(id: $id, input: $input, reason: $reason) {
      __typename
      ... on ProjectSaved {
        changed
        move
        project {
          ...ProjectFields
        }
      }
      ...NotAllowedFields
      ...NotFoundFields
      ...InvalidInputFields
      ...InvalidStateFields
      ...RateLimitedFields
    }
  }
`);

const MoveProjectPhaseDocument = graphql(`
  mutation MoveProjectPhase($id: ID!, $phase: ProjectPhase!, $on: Date!, $note: String, $reason: String) {
    moveProjectPhase(id: $id, phase: $phase, on: $on, note: $note, reason: $reason) {
      __typename
      ... on ProjectSaved {
        changed
        move
        project {
          ...ProjectFields
        }
      }
      ...NotAllowedFields
      ...NotFoundFields
      ...InvalidInputFields
      ...InvalidStateFields
      ...RateLimitedFields
    }
  }
`);

type Project = ProjectsQuery['projects']['nodes'][number];
type Vocabulary = { code: string; nameNl: string; nameEn: string }[];
export const PHASES: ProjectPhase[] = ['INITIATIVE', 'PLAN', 'PERMIT', 'CONSTRUCTION', 'COMPLETED', 'CANCELLED'];

interface Details {
  name: string;
  municipality: string;
  location: string;
  expectedCompletion: string;
  notes: string;
  units: { units: string; housingType: string; targetGroup: string }[];
}

const emptyDetails: Details = { name: '', municipality: '', location: '', expectedCompletion: '', notes: '', units: [{ units: '', housingType: '', targetGroup: '' }] };

export function detailsOf(project: Project): Details {
  return {
    name: project.name,
    municipality: project.municipality.code,
    location: project.location ?? '',
    expectedCompletion: project.expectedCompletion ?? '',
    notes: project.notes ?? '',
    units: project.units.length ? project.units.map((u) => ({ units: String(u.units), housingType: u.housingType?.code ?? '', targetGroup: u.targetGroup?.code ?? '' })) : emptyDetails.units,
  };
}

/** The API's ProjectInput from the form (empty unit rows left out, empty texts as null). */
export function projectInput(d: Details) {
  return {
    name: d.name.trim(),
    municipality: d.municipality.trim(),
    location: d.location.trim() || null,
    expectedCompletion: d.expectedCompletion || null,
    notes: d.notes.trim() || null,
    units: d.units.filter((u) => u.units.trim()).map((u) => ({ units: Number(u.units), housingType: u.housingType || null, targetGroup: u.targetGroup || null })),
  };
}

function DetailsFields({ prefix, details, onChange, housingTypes, targetGroups }: { prefix: string; details: Details; onChange: (d: Details) => void; housingTypes: Vocabulary; targetGroups: Vocabulary }) {
  const i18n = useI18n();
  const { t } = i18n;
  const set = (patch: Partial<Details>) => onChange({ ...details, ...patch });
  const setUnit = (i: number, patch: Partial<Details['units'][number]>) => set({ units: details.units.map((u, j) => (j === i ? { ...u, ...patch } : u)) });
  return (
    <>
      <Field id={`${prefix}-name`} label={t('projectName')}>
        <TextInput id={`${prefix}-name`} value={details.name} onChange={(name) => set({ name })} required />
      </Field>
      <Field id={`${prefix}-municipality`} label={t('municipalityCode')} description={t('municipalityCodeHelp')}>
        <TextInput id={`${prefix}-municipality`} value={details.municipality} onChange={(municipality) => set({ municipality })} required describedBy={`${prefix}-municipality-description`} className="wz-short" />
      </Field>
      <Field id={`${prefix}-location`} label={t('location')}>
        <TextInput id={`${prefix}-location`} value={details.location} onChange={(location) => set({ location })} />
      </Field>
      <Field id={`${prefix}-completion`} label={t('expectedCompletion')}>
        <TextInput id={`${prefix}-completion`} type="date" value={details.expectedCompletion} onChange={(expectedCompletion) => set({ expectedCompletion })} className="wz-short" />
      </Field>
      <fieldset className="utrecht-form-fieldset">
        <legend className="utrecht-form-fieldset__legend">{t('projectUnits')}</legend>
        {details.units.map((u, i) => (
          <div key={i} className="wz-inline-form">
            <Field id={`${prefix}-units-${i}`} label={t('unitsCount', { n: i + 1 })}>
              <TextInput id={`${prefix}-units-${i}`} type="number" value={u.units} onChange={(units) => setUnit(i, { units })} className="wz-short" />
            </Field>
            <Field id={`${prefix}-housing-${i}`} label={t('housingType')}>
              <SelectInput id={`${prefix}-housing-${i}`} value={u.housingType} onChange={(housingType) => setUnit(i, { housingType })} options={[{ value: '', label: '—' }, ...housingTypes.map((h) => ({ value: h.code, label: i18n.name(h) }))]} />
            </Field>
            <Field id={`${prefix}-group-${i}`} label={t('targetGroup')}>
              <SelectInput id={`${prefix}-group-${i}`} value={u.targetGroup} onChange={(targetGroup) => setUnit(i, { targetGroup })} options={[{ value: '', label: '—' }, ...targetGroups.map((g) => ({ value: g.code, label: i18n.name(g) }))]} />
            </Field>
          </div>
        ))}
        <button type="button" className="utrecht-button utrecht-button--subtle" onClick={() => set({ units: [...details.units, { units: '', housingType: '', targetGroup: '' }] })}>
          {t('addUnitsRow')}
        </button>
      </fieldset>
      <Field id={`${prefix}-notes`} label={t('notes')}>
        <TextInput id={`${prefix}-notes`} value={details.notes} onChange={(notes) => set({ notes })} />
      </Field>
    </>
  );
}

function CreateForm({ vocab, organisations }: { vocab: { housingTypes: Vocabulary; targetGroups: Vocabulary }; organisations: { code: string; name: string }[] }) {
  const { t, tx } = useI18n();
  const session = useSession();
  const any = can(session, 'editProjectsOfAnyOrganisation');
  const [details, setDetails] = useState<Details>(emptyDetails);
  const [owner, setOwner] = useState('');
  const [phase, setPhase] = useState<ProjectPhase>('INITIATIVE');
  const action = useAction(CreateProjectDocument, (d) => d.createProject);
  const saved = action.success?.__typename === 'ProjectSaved' ? action.success.project : null;
  return (
    <form
      className="wz-form"
      aria-labelledby="project-create-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run({ input: { ...projectInput(details), owner: owner || null, phase } });
      }}
    >
      <Heading3 id="project-create-heading">{t('projectCreate')}</Heading3>
      {any && (
        <Field id="project-owner" label={t('owner')}>
          <SelectInput id="project-owner" value={owner} onChange={setOwner} options={[{ value: '', label: t('ownOrganisation') }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
      )}
      <DetailsFields prefix="new-project" details={details} onChange={setDetails} {...vocab} />
      <Field id="project-phase" label={t('phase')}>
        <SelectInput id="project-phase" value={phase} onChange={(v) => setPhase(v as ProjectPhase)} options={PHASES.filter((p) => p !== 'CANCELLED').map((p) => ({ value: p, label: tx(`phase${p}`, p) }))} />
      </Field>
      <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={action.fetching}>
        {t('projectCreate')}
      </button>
      <Outcome action={action} testId="project-created">
        {saved && t('projectSaved', { name: saved.name, phase: tx(`phase${saved.phase}`, saved.phase) })}
      </Outcome>
    </form>
  );
}

function EditForms({ project, vocab }: { project: Project; vocab: { housingTypes: Vocabulary; targetGroups: Vocabulary } }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const [details, setDetails] = useState<Details>(() => detailsOf(project));
  const [reason, setReason] = useState('');
  const [phase, setPhase] = useState<ProjectPhase>(project.phase);
  const [on, setOn] = useState(new Date().toISOString().slice(0, 10));
  const [note, setNote] = useState('');
  const [moveReason, setMoveReason] = useState('');
  const update = useAction(UpdateProjectDocument, (d) => d.updateProject);
  const move = useAction(MoveProjectPhaseDocument, (d) => d.moveProjectPhase);
  const updated = update.success?.__typename === 'ProjectSaved' ? update.success : null;
  const moved = move.success?.__typename === 'ProjectSaved' ? move.success : null;
  return (
    <div className="wz-columns">
      <form
        className="wz-form"
        aria-labelledby="project-update-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void update.run({ id: project.id, input: projectInput(details), reason: reason || null });
        }}
      >
        <Heading3 id="project-update-heading">{t('projectUpdate', { name: project.name })}</Heading3>
        <DetailsFields prefix="edit-project" details={details} onChange={setDetails} {...vocab} />
        <Field id="project-update-reason" label={t('reasonIfFinal')}>
          <TextInput id="project-update-reason" value={reason} onChange={setReason} />
        </Field>
        <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={update.fetching}>
          {t('save')}
        </button>
        <Outcome action={update} testId="project-updated">
          {updated && (updated.changed ? t('projectSaved', { name: updated.project.name, phase: tx(`phase${updated.project.phase}`, updated.project.phase) }) : t('projectUnchanged'))}
        </Outcome>
      </form>
      <form
        className="wz-form"
        aria-labelledby="project-move-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void move.run({ id: project.id, phase, on, note: note || null, reason: moveReason || null });
        }}
      >
        <Heading3 id="project-move-heading">{t('projectMove')}</Heading3>
        <Paragraph>
          {t('phaseNow')}: <strong data-testid="project-phase">{tx(`phase${project.phase}`, project.phase)}</strong>
        </Paragraph>
        <Field id="move-phase" label={t('newPhase')}>
          <SelectInput id="move-phase" value={phase} onChange={(v) => setPhase(v as ProjectPhase)} options={PHASES.map((p) => ({ value: p, label: tx(`phase${p}`, p) }))} />
        </Field>
        <Field id="move-on" label={t('phaseOn')} description={t('phaseOnHelp')}>
          <TextInput id="move-on" type="date" value={on} onChange={setOn} describedBy="move-on-description" className="wz-short" />
        </Field>
        <Field id="move-note" label={t('note')}>
          <TextInput id="move-note" value={note} onChange={setNote} />
        </Field>
        <Field id="move-reason" label={t('moveReason')} description={t('moveReasonHelp')}>
          <TextInput id="move-reason" value={moveReason} onChange={setMoveReason} describedBy="move-reason-description" />
        </Field>
        <button type="submit" className="utrecht-button utrecht-button--primary-action" disabled={move.fetching}>
          {t('projectMove')}
        </button>
        <Outcome action={move} testId="project-moved">
          {moved && (moved.changed ? t('projectMoved', { phase: tx(`phase${moved.project.phase}`, moved.project.phase), move: tx(`move${moved.move ?? ''}`, moved.move ?? '') }) : t('projectUnchanged'))}
        </Outcome>
        <Heading3>{t('phaseHistory')}</Heading3>
        <ol className="wz-link-list" data-testid="phase-history">
          {project.phaseHistory.map((h, i) => (
            <li key={i}>
              {i18n.date(h.changedOn)}: {h.fromPhase ? `${tx(`phase${h.fromPhase}`, h.fromPhase)} → ` : ''}
              {tx(`phase${h.toPhase}`, h.toPhase)}
              {h.note ? ` · ${h.note}` : ''}
              {h.reason ? ` · ${t('reason')}: ${h.reason}` : ''}
            </li>
          ))}
        </ol>
      </form>
    </div>
  );
}

function Projects() {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const session = useSession();
  const any = can(session, 'editProjectsOfAnyOrganisation');
  const [owner, setOwner] = useState(any ? '' : (session?.organisation ?? ''));
  const [selected, setSelected] = useState('');
  const [{ data, fetching, error }] = useQuery({ query: ProjectsDocument, variables: { owner: owner || null, withOrganisations: any } });
  const projects = data?.projects.nodes ?? [];
  const vocab = { housingTypes: data?.housingTypes.nodes ?? [], targetGroups: data?.targetGroups.nodes ?? [] };
  const project = projects.find((p) => p.id === selected);
  const organisations = data?.organisations?.nodes ?? [];
  return (
    <>
      {any && (
        <Field id="projects-owner" label={t('owner')}>
          <SelectInput id="projects-owner" value={owner} onChange={setOwner} options={[{ value: '', label: t('allOrganisations') }, ...organisations.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))]} />
        </Field>
      )}
      <ErrorNotice error={error} />
      {fetching && !data && <Loading />}
      <section aria-labelledby="projects-list-heading">
        <Heading2 id="projects-list-heading">
          {t('projectsOf', { owner: owner || t('allOrganisations') })} {data && `(${i18n.number(data.projects.totalCount)})`}
        </Heading2>
        {data && projects.length === 0 && <Paragraph>{t('none')}</Paragraph>}
        {projects.length > 0 && (
          <Table label={t('projects')} testId="projects-table" head={<><Th>{t('projectName')}</Th><Th>{t('municipality')}</Th><Th>{t('owner')}</Th><Th>{t('phase')}</Th><Th num>{t('units')}</Th><Th>{t('expectedCompletion')}</Th></>}>
            {projects.map((p) => (
              <tr key={p.id} className="utrecht-table__row" data-project={p.name}>
                <Td>{p.name}</Td>
                <Td>{p.municipality.name}</Td>
                <Td small>{p.owner.name}</Td>
                <Td>{tx(`phase${p.phase}`, p.phase)}</Td>
                <Td num>{i18n.number(p.totalUnits)}</Td>
                <Td>{i18n.date(p.expectedCompletion)}</Td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section aria-labelledby="project-edit-heading">
        <Heading2 id="project-edit-heading">{t('projectEdit')}</Heading2>
        <Field id="project-select" label={t('project')}>
          <SelectInput id="project-select" value={selected} onChange={setSelected} options={[{ value: '', label: '—' }, ...projects.map((p) => ({ value: p.id, label: `${p.name} (${p.municipality.name})` }))]} />
        </Field>
        {project && <EditForms key={project.id} project={project} vocab={vocab} />}
      </section>
      <section aria-labelledby="project-new-heading">
        <Heading2 id="project-new-heading">{t('projectNew')}</Heading2>
        <CreateForm vocab={vocab} organisations={organisations} />
      </section>
    </>
  );
}

export default function ProjectsPage() {
  const { t } = useI18n();
  usePageTitle(t('projectsTitle'));
  return (
    <div data-testid="projects-ready">
      <Heading1>{t('projectsTitle')}</Heading1>
      <Paragraph>{t('projectsIntro')}</Paragraph>
      <RequireAbility ability="editProjects">
        <Projects />
      </RequireAbility>
    </div>
  );
}
