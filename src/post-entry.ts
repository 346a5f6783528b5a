// Entry point of the post step (action.yml `post:`). Main and post have separate entry files, so no
// variable in the environment can make the main step behave as post and skip its work.
import module from 'node:module'

module.enableCompileCache?.()
const { post } = await import('./post.ts')
await post()
// Post never fails the job, and nothing it started may outlive the step.
process.exit()
